package io.nagatha.session.repository;

import io.nagatha.contracts.ApiKey;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.support.redis.LuaScript;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Users, their interface identities, API keys and link codes. They share one hash tag
 * ({@code {auth}}), so that linking can move an identity between users in one atomic script.
 */
@ApplicationScoped
public class IdentityRepository {

    private static final LuaScript RESOLVE = LuaScript.fromResource("lua/identity-resolve.lua");
    private static final LuaScript LINK = LuaScript.fromResource("lua/identity-link.lua");

    /** What linking did. */
    public enum LinkOutcome { LINKED, INVALID_CODE, FORBIDDEN }

    public record LinkResult(LinkOutcome outcome, String userId) {
    }

    /** A user's stored record. */
    public record User(String id, Instant createdAt) {
    }

    private final RedisDataSource redis;

    IdentityRepository(RedisDataSource redis) {
        this.redis = redis;
    }

    /** Creates the user's record unless it exists. */
    public void ensureUser(String userId) {
        redis.hash(String.class).hsetnx(Keys.USERS, userId, Json.encode(new User(userId, Instant.now())));
    }

    /** The user the identity maps to, creating {@code newUserId} for a first-seen identity. */
    public String resolve(String identity, String newUserId) {
        Response r = RESOLVE.run(redis, List.of(Keys.identity(identity), Keys.USERS, Keys.userIdentities(newUserId)),
                List.of(newUserId, Json.encode(new User(newUserId, Instant.now())), identity));
        return r.get(0).toString();
    }

    public List<String> identities(String userId) {
        return redis.set(String.class).smembers(Keys.userIdentities(userId)).stream().sorted().toList();
    }

    /** Stores a link code unless that code is taken; true when stored. */
    public boolean storeLinkCode(String code, String userId, Duration ttl) {
        return redis.value(String.class).setGet(Keys.linkCode(code), userId, new SetArgs().nx().px(ttl)) == null;
    }

    public LinkResult link(String code, String identity, String callerId, boolean callerIsAdmin) {
        String sample = Keys.userIdentities("\u0000");
        int hole = sample.indexOf('\u0000');
        Response r = LINK.run(redis, List.of(Keys.linkCode(code), Keys.identity(identity)),
                List.of(callerId, callerIsAdmin ? "1" : "0", identity, sample.substring(0, hole), sample.substring(hole + 1)));
        return switch (r.get(0).toString()) {
            case "ok" -> new LinkResult(LinkOutcome.LINKED, r.get(1).toString());
            case "forbidden" -> new LinkResult(LinkOutcome.FORBIDDEN, null);
            default -> new LinkResult(LinkOutcome.INVALID_CODE, null);
        };
    }

    /** Failed link attempts in the current window, and the seconds until the window closes. */
    public record Failures(long count, long retryAfterSeconds) {
    }

    public Failures linkFailures(String userId) {
        String key = Keys.linkFailures(userId);
        String count = redis.value(String.class).get(key);
        if (count == null) {
            return new Failures(0, 0);
        }
        long ttl = redis.key().exists(key) ? redis.key().pttl(key) : 0;
        return new Failures(Long.parseLong(count), Math.max(0, ttl) / 1000 + 1);
    }

    public void recordLinkFailure(String userId, Duration window) {
        String key = Keys.linkFailures(userId);
        // The window starts at the first failure; later failures do not extend it.
        redis.value(String.class).set(key, "0", new SetArgs().nx().px(window));
        redis.value(String.class).incr(key);
        if (redis.key().exists(key) && redis.key().pttl(key) < 0) {
            redis.key().pexpire(key, window); // the window ran out between the two commands
        }
    }

    public void saveKey(ApiKey key) {
        redis.hash(String.class).hset(Keys.API_KEYS, key.id(), Json.encode(key));
    }

    public Optional<ApiKey> findKey(String id) {
        return Optional.ofNullable(redis.hash(String.class).hget(Keys.API_KEYS, id)).map(json -> Json.decode(json, ApiKey.class));
    }

    /** Every key, oldest first. */
    public List<ApiKey> keys() {
        Map<String, String> all = redis.hash(String.class).hgetall(Keys.API_KEYS);
        List<ApiKey> keys = new ArrayList<>(all.size());
        all.values().forEach(json -> keys.add(Json.decode(json, ApiKey.class)));
        keys.sort(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id));
        return keys;
    }

    public boolean deleteKey(String id) {
        return redis.hash(String.class).hdel(Keys.API_KEYS, id) > 0;
    }
}
