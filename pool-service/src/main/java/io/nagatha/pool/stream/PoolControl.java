package io.nagatha.pool.stream;

import io.nagatha.contracts.Keys;
import io.nagatha.contracts.ToolCallStream;
import io.nagatha.pool.service.McpPool;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Operator commands for every pool replica at once, over Redis pub/sub: {@code restart <server>}.
 * Pub/sub is enough here: a replica that misses a restart (it was down) starts fresh anyway.
 */
@ApplicationScoped
public class PoolControl {

    private static final Logger LOG = Logger.getLogger(PoolControl.class);

    private final RedisDataSource redis;
    private final McpPool pool;
    private PubSubCommands.RedisSubscriber subscriber;

    PoolControl(RedisDataSource redis, McpPool pool) {
        this.redis = redis;
        this.pool = pool;
    }

    void onStart(@Observes StartupEvent event) {
        try {
            subscriber = redis.pubsub(String.class).subscribe(Keys.POOL_CONTROL, this::onMessage);
        } catch (RuntimeException e) {
            LOG.warnf("not subscribed to %s (is Redis up?): restarts from the API will not reach this replica: %s",
                    Keys.POOL_CONTROL, e.getMessage());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (subscriber != null) {
            subscriber.unsubscribe();
        }
    }

    private void onMessage(String message) {
        if (message.startsWith(ToolCallStream.RESTART)) {
            pool.restart(message.substring(ToolCallStream.RESTART.length()).trim());
        } else {
            LOG.warnf("unknown pool control message: %s", message);
        }
    }
}
