package io.nagatha.support.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nagatha.contracts.Keys;
import io.nagatha.support.config.MetricsConfig;
import io.nagatha.support.redis.RedisErrors;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * Gauges of the work streams and of Redis itself, sampled on a schedule so that no request pays
 * for them: {@code nagatha_stream_length{stream}}, {@code nagatha_stream_lag{stream,group}} (entries
 * the group has not been handed yet; XINFO GROUPS, Redis 7), {@code nagatha_stream_pending{stream,group}}
 * (handed out, not acknowledged), {@code nagatha_redis_up}, {@code nagatha_redis_memory_used_bytes} and
 * {@code nagatha_redis_memory_max_bytes}. Every replica of every service that uses a stream reports
 * it, so dashboards take the max per stream. Until the first sample and while Redis is unreachable
 * the stream gauges are NaN, never a stale number.
 */
@ApplicationScoped
public class StreamMetrics {

    private static final Logger LOG = Logger.getLogger(StreamMetrics.class);

    /** The streams a service may name in {@code nagatha.metrics.streams}, with their consumer group. */
    static final Map<String, List<String>> KNOWN = Map.of(
            "turns", List.of(Keys.TURNS, Keys.TURNS_GROUP),
            "tool-calls", List.of(Keys.TOOL_CALLS, Keys.TOOL_CALLS_GROUP));

    /** One stream's numbers as Redis reported them. */
    public record StreamStats(long length, long lag, long pending) {
    }

    private final RedisDataSource redis;
    private final MeterRegistry registry;
    private final MetricsConfig config;
    private final Scheduler scheduler;
    private final List<Sampled> streams = new ArrayList<>();
    private volatile double redisUp = Double.NaN;
    private volatile double memoryUsed = Double.NaN;
    private volatile double memoryMax = Double.NaN;

    StreamMetrics(RedisDataSource redis, MeterRegistry registry, MetricsConfig config, Scheduler scheduler) {
        this.redis = redis;
        this.registry = registry;
        this.config = config;
        this.scheduler = scheduler;
    }

    void onStart(@Observes StartupEvent event) {
        for (String name : config.streams().orElse(List.of())) {
            List<String> streamAndGroup = KNOWN.get(name);
            if (streamAndGroup == null) {
                throw new IllegalArgumentException("nagatha.metrics.streams: unknown stream '" + name + "', known: " + KNOWN.keySet());
            }
            Sampled s = new Sampled(streamAndGroup.get(0), streamAndGroup.get(1));
            streams.add(s);
            gauge("nagatha.stream.length", "Entries in the stream (waiting + being worked on)", s, x -> x.length)
                    .tag("stream", s.stream).register(registry);
            gauge("nagatha.stream.lag", "Entries the consumer group has not been handed yet", s, x -> x.lag)
                    .tag("stream", s.stream).tag("group", s.group).register(registry);
            gauge("nagatha.stream.pending", "Entries handed to a consumer and not yet acknowledged", s, x -> x.pending)
                    .tag("stream", s.stream).tag("group", s.group).register(registry);
        }
        gauge("nagatha.redis.up", "1 when the last sample reached Redis, else 0", this, m -> m.redisUp).register(registry);
        gauge("nagatha.redis.memory.used", "Redis used_memory", this, m -> m.memoryUsed).baseUnit("bytes").register(registry);
        gauge("nagatha.redis.memory.max", "Redis maxmemory (0: no limit)", this, m -> m.memoryMax).baseUnit("bytes").register(registry);
        scheduler.newJob("stream-metrics")
                .setInterval(config.sampleInterval().toString())
                .setConcurrentExecution(ConcurrentExecution.SKIP)
                .setTask(execution -> sample())
                .schedule();
    }

    private static <T> Gauge.Builder<T> gauge(String name, String description, T holder, ToDoubleFunction<T> value) {
        return Gauge.builder(name, holder, value).description(description);
    }

    /** Takes one sample now (the schedule calls it; tests too). */
    public void sample() {
        try {
            for (Sampled s : streams) {
                StreamStats stats = read(redis, s.stream, s.group);
                s.length = stats.length();
                s.lag = stats.lag();
                s.pending = stats.pending();
            }
            Map<String, String> memory = info(redis.execute("INFO", "memory").toString());
            memoryUsed = Double.parseDouble(memory.getOrDefault("used_memory", "NaN"));
            memoryMax = Double.parseDouble(memory.getOrDefault("maxmemory", "NaN"));
            redisUp = 1;
        } catch (RuntimeException e) {
            LOG.debugf("stream metrics not sampled (Redis down?): %s", e.getMessage());
            redisUp = 0;
            memoryUsed = memoryMax = Double.NaN;
            streams.forEach(Sampled::unknown);
        }
    }

    /**
     * Length, lag and pending entries of one stream and group. A group that does not exist yet has
     * been handed nothing, so its lag is the whole stream. When Redis cannot tell the lag (entries
     * deleted after the group's last delivered id), it is length − pending: the consumers delete
     * what they acknowledge, so what the stream holds is either pending or not yet handed out.
     */
    public static StreamStats read(RedisDataSource redis, String stream, String group) {
        long length = redis.execute("XLEN", stream).toLong();
        Response groups;
        try {
            groups = redis.execute("XINFO", "GROUPS", stream);
        } catch (RuntimeException e) {
            if (RedisErrors.contains(e, "no such key")) {
                return new StreamStats(0, 0, 0);
            }
            throw e;
        }
        for (Response g : groups) {
            if (group.equals(field(g, "name").toString())) {
                long pending = field(g, "pending").toLong();
                Response lag = field(g, "lag");
                long lagValue = lag == null ? Math.max(0, length - pending) : lag.toLong();
                return new StreamStats(length, lagValue, pending);
            }
        }
        return new StreamStats(length, length, 0);
    }

    /** A field of an XINFO reply, whether Redis sent a map (RESP3) or a flat key-value array (RESP2). */
    private static Response field(Response reply, String name) {
        if (!reply.getKeys().isEmpty()) {
            return reply.get(name);
        }
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            if (name.equals(reply.get(i).toString())) {
                return reply.get(i + 1);
            }
        }
        return null;
    }

    private static Map<String, String> info(String text) {
        Map<String, String> values = new HashMap<>();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                values.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return values;
    }

    /** The last numbers of one stream; NaN until sampled and while Redis is unreachable. */
    private static final class Sampled {
        final String stream;
        final String group;
        volatile double length = Double.NaN;
        volatile double lag = Double.NaN;
        volatile double pending = Double.NaN;

        Sampled(String stream, String group) {
            this.stream = stream;
            this.group = group;
        }

        void unknown() {
            length = lag = pending = Double.NaN;
        }
    }
}
