package io.nagatha.gateway.client;

import io.nagatha.contracts.AttachRequest;
import io.nagatha.contracts.CreateSessionRequest;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.Page;
import io.nagatha.contracts.Session;
import io.nagatha.contracts.SessionResult;
import io.nagatha.support.rest.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Calls to the session service with their fault-tolerance policy: every call has a deadline and a
 * circuit breaker; reads are retried, writes are not (a retried create could make two sessions).
 * A client mistake ({@link ApiException}) is neither retried nor counted as a failure.
 */
@ApplicationScoped
public class SessionClient {

    private final SessionServiceApi api;

    SessionClient(@RestClient SessionServiceApi api) {
        this.api = api;
    }

    @Timeout(5000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, skipOn = ApiException.class)
    public SessionResult getOrCreate(CreateSessionRequest request) {
        return api.getOrCreate(request);
    }

    @Timeout(3000)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = ApiException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, skipOn = ApiException.class)
    public Session get(String sessionId) {
        return api.get(sessionId);
    }

    @Timeout(5000)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = ApiException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, skipOn = ApiException.class)
    public Page<Message> history(String sessionId, String limit, String before) {
        return api.history(sessionId, limit, before);
    }

    @Timeout(3000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, skipOn = ApiException.class)
    public Session attach(String sessionId, AttachRequest request) {
        return api.attach(sessionId, request);
    }

    @Timeout(3000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, skipOn = ApiException.class)
    public Session detach(String sessionId, String interfaceType) {
        return api.detach(sessionId, interfaceType);
    }
}
