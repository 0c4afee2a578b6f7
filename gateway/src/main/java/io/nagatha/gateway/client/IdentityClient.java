package io.nagatha.gateway.client;

import io.nagatha.contracts.ApiKey;
import io.nagatha.contracts.Caller;
import io.nagatha.contracts.CreateKeyRequest;
import io.nagatha.contracts.CreatedKey;
import io.nagatha.contracts.LinkCode;
import io.nagatha.contracts.LinkRequest;
import io.nagatha.contracts.Page;
import io.nagatha.contracts.UserIdentities;
import io.nagatha.support.rest.ApiException;
import io.nagatha.support.rest.CallerHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Identity, linking and key calls to the session service. Creating codes, linking and creating
 * keys are not retried: a repeat would make a second code or key, or count as a failed attempt.
 */
@ApplicationScoped
@Timeout(3000)
@CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, skipOn = ApiException.class)
public class IdentityClient {

    private final IdentityServiceApi api;

    IdentityClient(@RestClient IdentityServiceApi api) {
        this.api = api;
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = ApiException.class)
    public UserIdentities identities(Caller caller) {
        return api.identities(CallerHeaders.of(caller));
    }

    public LinkCode createLinkCode(Caller caller) {
        return api.createLinkCode(CallerHeaders.of(caller));
    }

    public UserIdentities link(Caller caller, LinkRequest request) {
        return api.link(CallerHeaders.of(caller), request);
    }

    public CreatedKey createKey(Caller caller, CreateKeyRequest request) {
        return api.createKey(CallerHeaders.of(caller), request);
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = ApiException.class)
    public Page<ApiKey> keys(Caller caller) {
        return api.keys(CallerHeaders.of(caller));
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = ApiException.class)
    public void revokeKey(Caller caller, String id) {
        api.revokeKey(CallerHeaders.of(caller), id);
    }
}
