package io.nagatha.pool.stream;

import io.nagatha.contracts.Keys;
import io.nagatha.support.redis.StreamGroups;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Creates the pool's consumer group on the tool-calls stream when the service starts, so tool calls
 * queued before any pool replica reads them are kept for it (a group created later would skip them).
 */
@ApplicationScoped
public class ToolCallGroup {

    private static final Logger LOG = Logger.getLogger(ToolCallGroup.class);

    private final RedisDataSource redis;

    ToolCallGroup(RedisDataSource redis) {
        this.redis = redis;
    }

    void onStart(@Observes StartupEvent event) {
        try {
            StreamGroups.ensure(redis, Keys.TOOL_CALLS, Keys.TOOL_CALLS_GROUP);
        } catch (RuntimeException e) {
            LOG.warnf("could not create the %s group on %s yet (is Redis up?): %s", Keys.TOOL_CALLS_GROUP, Keys.TOOL_CALLS,
                    e.getMessage());
        }
    }
}
