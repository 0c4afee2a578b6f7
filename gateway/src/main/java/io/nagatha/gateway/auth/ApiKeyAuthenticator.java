package io.nagatha.gateway.auth;

import io.nagatha.contracts.ApiKey;
import io.nagatha.contracts.Caller;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.gateway.client.SessionClient;
import io.nagatha.contracts.ApiKeys;
import io.nagatha.support.rest.ApiException;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Checks an API key against its stored hash (constant-time) and says who the caller is. Keys are
 * read from Redis on every request, so a revoked key stops working at once. An admin key may act
 * for an interface identity ({@code X-Nagatha-Identity: discord:…}): that is how an adapter such
 * as the Discord bot, having verified the platform's signature, speaks for the person behind it.
 * Never logs a key.
 */
@ApplicationScoped
public class ApiKeyAuthenticator {

    private final RedisDataSource redis;
    private final SessionClient sessions;

    ApiKeyAuthenticator(RedisDataSource redis, SessionClient sessions) {
        this.redis = redis;
        this.sessions = sessions;
    }

    /** The caller behind {@code key}, or empty when the key is malformed, unknown or revoked. Blocking. */
    public Optional<Caller> authenticate(String key) {
        Optional<String> id = ApiKeys.idOf(key);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        String stored;
        try {
            stored = redis.hash(String.class).hget(Keys.API_KEYS, id.get());
        } catch (RuntimeException e) {
            // Not the caller's fault: say so (503, retry) rather than call the key wrong.
            throw ApiException.unavailable("keys cannot be checked right now; try again shortly");
        }
        return Optional.ofNullable(stored)
                .map(json -> Json.decode(json, ApiKey.class))
                .filter(record -> ApiKeys.matches(record, key))
                .map(record -> new Caller(record.userId(), record.admin()));
    }

    /**
     * The user behind an interface identity, for an admin acting on their behalf; the identity is
     * made a user of its own on first sight. The result has no admin rights.
     */
    public Caller actAs(Caller admin, String identity) {
        if (!admin.admin()) {
            throw ApiException.forbidden("only an admin key may act for an interface identity");
        }
        String known = identity == null ? null : redis.value(String.class).get(Keys.identity(identity));
        String userId = known != null ? known : sessions.resolve(admin, identity).userId();
        return new Caller(userId, false);
    }
}
