package io.nagatha.gateway.client;

import io.nagatha.contracts.MemoryEntries;
import io.nagatha.contracts.MemoryEntry;
import io.nagatha.contracts.MemoryPut;
import io.nagatha.support.rest.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Calls to the session service's memory API, with the policy of {@link SessionClient}: every call
 * has a deadline and a circuit breaker (one per method); reads are retried, writes and deletes are
 * not (one that timed out may still have happened). A client mistake ({@link ApiException}) is
 * neither retried nor counted as a failure.
 */
@ApplicationScoped
@Timeout(3000)
@CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, skipOn = ApiException.class)
public class MemoryClient {

    private final MemoryServiceApi api;

    MemoryClient(@RestClient MemoryServiceApi api) {
        this.api = api;
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = ApiException.class)
    public MemoryEntries list(String userId, String section) {
        return api.list(userId, section);
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = ApiException.class)
    public MemoryEntry get(String userId, String section, String key) {
        return api.get(userId, section, key);
    }

    public MemoryEntry put(String userId, String section, String key, MemoryPut body) {
        return api.put(userId, section, key, body);
    }

    public void delete(String userId, String section, String key) {
        api.delete(userId, section, key);
    }
}
