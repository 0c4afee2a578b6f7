package io.nagatha.support.rest;

import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers a declared body over the limit ({@code nagatha.http.max-body-size}) with a problem
 * document before it is read; a body of undeclared length is counted as it is read, by
 * {@link BodyLimitInterceptor}.
 */
@ApplicationScoped
public class BodyLimitFilter {

    private final long limit;

    BodyLimitFilter(@ConfigProperty(name = "nagatha.http.max-body-size", defaultValue = "256K") MemorySize limit) {
        this.limit = limit.asLongValue();
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (declared != null && isOver(declared)) {
                Problem problem = Problem.of(413, ErrorCodes.PAYLOAD_TOO_LARGE, "Payload too large",
                        "the body is " + declared + " bytes; the limit is " + limit);
                context.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(Json.encode(problem));
                return;
            }
            context.next();
        });
    }

    private boolean isOver(String declared) {
        try {
            return Long.parseLong(declared.trim()) > limit;
        } catch (NumberFormatException e) {
            return false; // the HTTP layer rejects a malformed length itself
        }
    }
}
