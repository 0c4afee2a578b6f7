package io.nagatha.testing;

import io.nagatha.support.config.ToolCallsConfig;
import io.nagatha.support.toolcall.ToolCallClient;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.runtime.datasource.BlockingRedisDataSourceImpl;
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
        this.client = new ToolCallClient(redis, open(redisUrl, 2), new Defaults(), callerId);
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

    /** The defaults of {@link ToolCallsConfig} (a reply stream long enough to count every answer in tests). */
    private static final class Defaults implements ToolCallsConfig {
        @Override
        public long streamMaxLen() {
            return 100_000;
        }

        @Override
        public Duration defaultDeadline() {
            return Duration.ofSeconds(60);
        }

        @Override
        public Duration replyGrace() {
            return Duration.ofSeconds(5);
        }

        @Override
        public long replyMaxLen() {
            return 100_000;
        }

        @Override
        public Duration replyTtl() {
            return Duration.ofMinutes(10);
        }

        @Override
        public Duration replyReadBlock() {
            return Duration.ofSeconds(1);
        }
    }
}
