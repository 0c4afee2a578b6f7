package io.nagatha.gateway.auth;

import io.nagatha.contracts.Caller;
import io.nagatha.gateway.service.RateLimiter;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * {@code Authorization: Bearer <key>}, or {@code ?access_token=<key>} on a GET (a browser's
 * WebSocket or EventSource cannot set headers). No key means anonymous: routes that need a caller
 * answer 401 through the problem mappers. An authenticated request spends one unit of its user's
 * request budget ({@link RateLimiter}).
 */
@ApplicationScoped
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {

    public static final String ROLE_USER = "user";
    public static final String ROLE_ADMIN = "admin";
    public static final String ON_BEHALF_HEADER = "X-Nagatha-Identity";
    public static final String CALLER_ATTRIBUTE = "nagatha.caller";

    private final ApiKeyAuthenticator authenticator;
    private final RateLimiter limiter;

    ApiKeyAuthenticationMechanism(ApiKeyAuthenticator authenticator, RateLimiter limiter) {
        this.authenticator = authenticator;
        this.limiter = limiter;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        Optional<String> key = presentedKey(context);
        if (key.isEmpty()) {
            return Uni.createFrom().optional(Optional.empty());
        }
        String onBehalfOf = context.request().getHeader(ON_BEHALF_HEADER);
        // The key lookup reads Redis (and acting for an identity may call session-service): off the I/O thread.
        return Uni.createFrom().item(() -> {
            Caller caller = authenticator.authenticate(key.get())
                    .orElseThrow(() -> new AuthenticationFailedException("unknown or revoked API key"));
            if (onBehalfOf != null && !onBehalfOf.isBlank()) {
                caller = authenticator.actAs(caller, onBehalfOf.strip());
            }
            // Every authenticated request spends the user's request budget (429 when it is spent).
            Optional<RateLimiter.Decision> decision = limiter.take(caller.userId(), RateLimiter.Budget.REQUESTS);
            decision.ifPresent(d -> RateLimitHeaders.remember(context, d));
            if (decision.isPresent() && !decision.get().allowed()) {
                limiter.refuse(RateLimiter.Budget.REQUESTS, decision.get());
            }
            return identity(caller);
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** The key a request presents, if any. */
    public static Optional<String> presentedKey(RoutingContext context) {
        Optional<String> bearer = bearer(context.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (bearer.isPresent()) {
            return bearer;
        }
        if (context.request().method() == HttpMethod.GET) {
            return Optional.ofNullable(context.request().getParam("access_token")).filter(t -> !t.isBlank());
        }
        return Optional.empty();
    }

    /** The key in an {@code Authorization: Bearer <key>} header. */
    public static Optional<String> bearer(String header) {
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? Optional.of(header.substring(7).strip())
                : Optional.empty();
    }

    public static SecurityIdentity identity(Caller caller) {
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(caller.userId()))
                .addRole(ROLE_USER)
                .addAttribute(CALLER_ATTRIBUTE, caller);
        if (caller.admin()) {
            builder.addRole(ROLE_ADMIN);
        }
        return builder.build();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }
}
