package io.nagatha.pool;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.runtime.datasource.BlockingRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;

/** Redis data sources for code running outside Quarkus (a test driving packaged services). */
final class RedisClients implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();

    /** A data source with its own pool of {@code size} connections. */
    RedisDataSource open(String url, int size) {
        Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxPoolSize(size)
                .setMaxPoolWaiting(100_000));
        return new BlockingRedisDataSourceImpl(vertx, redis, RedisAPI.api(redis), Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        vertx.closeAndAwait();
    }
}
