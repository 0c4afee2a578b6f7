package io.nagatha.session.repository;

import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.SessionStats;
import io.nagatha.support.redis.LuaScript;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Session statistics and the cleanup lease. */
@ApplicationScoped
public class StatsRepository {

    private static final LuaScript DELETE_IF_EQUALS = LuaScript.fromResource("lua/delete-if-equals.lua");

    private final RedisDataSource redis;

    StatsRepository(RedisDataSource redis) {
        this.redis = redis;
    }

    public boolean tryLease(String holder, Duration ttl) {
        String held = redis.value(String.class).setGet(Keys.SESSION_CLEANUP_LEASE, holder, new SetArgs().nx().px(ttl));
        return held == null;
    }

    public void releaseLease(String holder) {
        DELETE_IF_EQUALS.run(redis, List.of(Keys.SESSION_CLEANUP_LEASE), List.of(holder));
    }

    public void countExpired() {
        redis.hash(String.class).hincrby(Keys.SESSION_STATS, "expired", 1);
    }

    public long messageCount(String sessionId) {
        String value = redis.hash(String.class).hget(Keys.session(sessionId), "messageCount");
        return value == null ? 0 : Long.parseLong(value);
    }

    public void saveSnapshot(Map<String, Long> byInterface, SessionStats.MessagesPerSession messages, Instant at) {
        redis.hash(String.class).hset(Keys.SESSION_STATS, Map.of(
                "byInterface", Json.encode(byInterface),
                "messagesPerSession", Json.encode(messages),
                "computedAt", at.toString()));
    }
}
