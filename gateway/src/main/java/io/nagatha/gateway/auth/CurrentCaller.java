package io.nagatha.gateway.auth;

import io.nagatha.contracts.Caller;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;

/** The authenticated caller of the current HTTP request. */
@RequestScoped
public class CurrentCaller {

    private final SecurityIdentity identity;

    CurrentCaller(SecurityIdentity identity) {
        this.identity = identity;
    }

    public Caller get() {
        if (identity.isAnonymous()) {
            throw new UnauthorizedException();
        }
        Caller caller = identity.getAttribute(ApiKeyAuthenticationMechanism.CALLER_ATTRIBUTE);
        return caller != null ? caller
                : new Caller(identity.getPrincipal().getName(), identity.hasRole(ApiKeyAuthenticationMechanism.ROLE_ADMIN));
    }
}
