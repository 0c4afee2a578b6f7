package io.nagatha.support.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What {@code StreamMetrics} samples from Redis, and how often. */
@ConfigMapping(prefix = "nagatha.metrics")
public interface MetricsConfig {

    /**
     * The work streams this service reads or writes, whose length, lag and pending entries it
     * exports: {@code turns}, {@code tool-calls}. None: only the Redis gauges.
     */
    Optional<List<String>> streams();

    /** How often Redis is sampled (XLEN, XINFO GROUPS, INFO memory): a few commands, never on a request's path. */
    @WithDefault("15s")
    Duration sampleInterval();
}
