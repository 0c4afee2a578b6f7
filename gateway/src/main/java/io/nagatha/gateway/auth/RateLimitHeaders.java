package io.nagatha.gateway.auth;

import io.nagatha.gateway.service.RateLimiter;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Tells API clients where they stand: {@code RateLimit-Limit}, {@code RateLimit-Remaining} and
 * {@code RateLimit-Reset} (seconds until the budget is full again) on every response to an
 * authenticated request. The decision is taken off the I/O thread; the headers are written with the
 * response's own headers, on its thread.
 */
@ApplicationScoped
public class RateLimitHeaders {

    private static final String DECISION = "nagatha.rate-limit";

    static void remember(RoutingContext context, RateLimiter.Decision decision) {
        context.put(DECISION, decision);
    }

    void register(@Observes Router router) {
        router.route("/api/*").order(Integer.MIN_VALUE + 1).handler(context -> {
            context.addHeadersEndHandler(ignored -> {
                RateLimiter.Decision decision = context.get(DECISION);
                if (decision != null) {
                    context.response().putHeader("RateLimit-Limit", String.valueOf(decision.limit()))
                            .putHeader("RateLimit-Remaining", String.valueOf(decision.remaining()))
                            .putHeader("RateLimit-Reset", String.valueOf((decision.resetMs() + 999) / 1000));
                }
            });
            context.next();
        });
    }
}
