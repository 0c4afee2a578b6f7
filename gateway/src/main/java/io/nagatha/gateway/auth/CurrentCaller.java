package io.nagatha.gateway.auth;

import io.nagatha.contracts.Caller;
import io.nagatha.support.rest.ApiException;
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

    /**
     * Whose data a request with {@code ?user=} acts on: the caller's own when absent; another
     * user's only for an admin (403 otherwise).
     */
    public String owner(String user) {
        Caller caller = get();
        String owner = user == null || user.isEmpty() ? caller.userId() : user;
        if (!caller.mayAccess(owner)) {
            throw ApiException.forbidden("only an admin key may act on another user's data");
        }
        return owner;
    }
}
