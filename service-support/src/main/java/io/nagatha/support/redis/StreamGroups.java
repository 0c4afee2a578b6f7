package io.nagatha.support.redis;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import org.jboss.logging.Logger;

/** Consumer-group housekeeping shared by every stream consumer. */
public final class StreamGroups {

    private static final Logger LOG = Logger.getLogger(StreamGroups.class);

    private StreamGroups() {
    }

    /** Creates the group (and the stream) unless it exists; safe to call from every replica at once. */
    public static void ensure(RedisDataSource redis, String stream, String group) {
        try {
            redis.stream(String.class).xgroupCreate(stream, group, "0", new XGroupCreateArgs().mkstream());
        } catch (RuntimeException e) {
            if (!RedisErrors.contains(e, "BUSYGROUP")) {
                throw e;
            }
        }
    }

    /**
     * {@link #ensure} at start-up, where Redis may not be up yet: a failure is logged, and the
     * consumer's reader creates the group when it first finds it missing.
     */
    public static void ensureAtStart(RedisDataSource redis, String stream, String group) {
        try {
            ensure(redis, stream, group);
        } catch (RuntimeException e) {
            LOG.warnf("could not create the %s group yet (is Redis up?); the reader retries: %s", group, e.getMessage());
        }
    }

    /** True when Redis answered that the group is gone (e.g. the stream was deleted): create it again. */
    public static boolean isMissingGroup(Throwable e) {
        return RedisErrors.contains(e, "NOGROUP");
    }
}
