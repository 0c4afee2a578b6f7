package io.nagatha.gateway.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nagatha.contracts.Keys;
import io.nagatha.gateway.config.GatewayConfig;
import io.nagatha.support.redis.LuaScript;
import io.nagatha.support.rest.ApiException;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Per-user rate limits in Redis, so every gateway replica draws on the same budget. Each budget is
 * a GCRA (generic cell rate algorithm) in one Lua script: {@code limit} per {@code period}
 * sustained, {@code burst} at once, one key per user and budget, no background work. Two budgets:
 * every authenticated request, and, on top of that, every message that starts a turn.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);
    private static final LuaScript GCRA = LuaScript.fromResource("lua/rate-limit.lua");

    /** The two budgets; the name is part of the Redis key and of the metric. */
    public enum Budget {
        REQUESTS("requests"), TURNS("turns");

        final String key;

        Budget(String key) {
            this.key = key;
        }
    }

    /** What one request left of a budget; {@code retryAfterMs} is 0 when it was allowed. */
    public record Decision(boolean allowed, int limit, long remaining, long retryAfterMs, long resetMs) {

        /** Whole seconds to wait, at least 1 (what {@code Retry-After} says). */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfterMs + 999) / 1000);
        }
    }

    private final RedisDataSource redis;
    private final GatewayConfig.RateLimit config;
    private final Map<Budget, Counter> refused = new EnumMap<>(Budget.class);

    RateLimiter(RedisDataSource redis, GatewayConfig config, MeterRegistry metrics) {
        this.redis = redis;
        this.config = config.rateLimit();
        for (Budget budget : Budget.values()) {
            refused.put(budget, Counter.builder("nagatha.rate.limited").tag("budget", budget.key)
                    .description("Requests refused with 429 because the user's budget was spent").register(metrics));
        }
    }

    public boolean enabled() {
        return config.enabled();
    }

    /**
     * Takes one unit of the user's budget. Empty when limits are off; a Redis failure lets the
     * request through (the limit protects the system, it must not take it down).
     */
    public Optional<Decision> take(String userId, Budget budget) {
        if (!config.enabled()) {
            return Optional.empty();
        }
        GatewayConfig.Budget limits = settings(budget);
        double interval = (double) limits.period().toMillis() / limits.limit();
        try {
            Response reply = GCRA.run(redis, List.of(Keys.rateLimit(userId, budget.key)),
                    List.of(String.format(Locale.ROOT, "%.3f", interval), String.valueOf(limits.burst())));
            Decision decision = new Decision(reply.get(0).toInteger() == 1, limits.burst(), reply.get(1).toLong(),
                    reply.get(2).toLong(), reply.get(3).toLong());
            if (!decision.allowed()) {
                refused.get(budget).increment();
            }
            return Optional.of(decision);
        } catch (RuntimeException e) {
            LOG.warnf("rate limit not checked (%s budget), letting the request through: %s", budget.key, e.toString());
            return Optional.empty();
        }
    }

    /** Takes one unit, or throws 429 {@code rate_limited} with {@code Retry-After}. */
    public void check(String userId, Budget budget) {
        take(userId, budget).filter(decision -> !decision.allowed()).ifPresent(decision -> refuse(budget, decision));
    }

    /** The 429 problem for a refused decision: {@code rate_limited}, with when to try again. */
    public void refuse(Budget budget, Decision decision) {
        String what = budget == Budget.TURNS ? "too many messages: at most " : "too many requests: at most ";
        throw ApiException.rateLimited(what + describe(settings(budget)) + "; try again in " + decision.retryAfterSeconds()
                + " s", decision.retryAfterSeconds());
    }

    private GatewayConfig.Budget settings(Budget budget) {
        return budget == Budget.TURNS ? config.turns() : config.requests();
    }

    private static String describe(GatewayConfig.Budget limits) {
        return limits.limit() + " per " + limits.period().toSeconds() + " s (" + limits.burst() + " at once)";
    }
}
