package io.nagatha.support.redis;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;

/** Consumer-group housekeeping shared by every stream consumer. */
public final class StreamGroups {

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

    /** True when Redis answered that the group is gone (e.g. the stream was deleted): create it again. */
    public static boolean isMissingGroup(Throwable e) {
        return RedisErrors.contains(e, "NOGROUP");
    }
}
