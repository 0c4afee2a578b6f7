package io.nagatha.testing;

import io.nagatha.support.config.ToolCallsConfig;
import io.nagatha.support.toolcall.ToolCallClient;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.runtime.datasource.BlockingRedisDataSourceImpl;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;

/**
 * The real {@link ToolCallClient} for code outside Quarkus (a test driving packaged services, the
 * benchmark): its own Vert.x and Redis clients, and the documented defaults of {@link ToolCallsConfig}.
 */
public final class StandaloneToolCalls implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final RedisDataSource redis;
    private final ToolCallClient client;

    public StandaloneToolCalls(String redisUrl, String callerId) {
        this.redis = open(redisUrl, 16);
        this.client = new ToolCallClient(redis, open(redisUrl, 2), defaults(), callerId);
    }

    public ToolCallClient client() {
        return client;
    }

    /** A data source for the test's own commands (shares the client's pool). */
    public RedisDataSource redis() {
        return redis;
    }

    private RedisDataSource open(String url, int size) {
        Redis r = Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxPoolSize(size)
                .setMaxPoolWaiting(100_000));
        return new BlockingRedisDataSourceImpl(vertx, r, RedisAPI.api(r), Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        client.close();
        vertx.closeAndAwait();
    }

    /**
     * {@link ToolCallsConfig} with its own defaults, read from the mapping itself, except a reply
     * stream long enough to count every answer of a large test.
     */
    private static ToolCallsConfig defaults() {
        return new SmallRyeConfigBuilder().withMapping(ToolCallsConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter()) // "60s", as Quarkus reads it
                .withDefaultValue("nagatha.tool-calls.reply-max-len", "100000")
                .build().getConfigMapping(ToolCallsConfig.class);
    }
}
