package io.nagatha.gateway.client;

import io.nagatha.contracts.AttachRequest;
import io.nagatha.contracts.Caller;
import io.nagatha.contracts.CreateSessionRequest;
import io.nagatha.contracts.LinkRequest;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.Page;
import io.nagatha.contracts.Session;
import io.nagatha.contracts.SessionPatch;
import io.nagatha.contracts.SessionResult;
import io.nagatha.contracts.UserIdentities;
import io.nagatha.support.rest.ApiException;
import io.nagatha.support.rest.CallerHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Calls to the session service with their fault-tolerance policy: every call has a deadline and a
 * circuit breaker; reads (and writes that are safe to repeat) are retried, others are not (a
 * retried create could make two sessions). A client mistake ({@link ApiException}) is neither
 * retried nor counted as a failure. The calls every message and every socket make (touch, attach,
 * detach) get a longer deadline and are not retried after one: under a burst, retrying a slow call
 * only adds load and trips the breaker for everyone.
 */
@ApplicationScoped
@Timeout(3000)
@CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, skipOn = ApiException.class)
public class SessionClient {

    private final SessionServiceApi api;
    private final IdentityServiceApi identities;

    SessionClient(@RestClient SessionServiceApi api, @RestClient IdentityServiceApi identities) {
        this.api = api;
        this.identities = identities;
    }

    @Timeout(5000)
    public SessionResult getOrCreate(CreateSessionRequest request) {
        return api.getOrCreate(request);
    }

    @Timeout(5000)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = ApiException.class)
    public Page<Session> list(Caller caller, String active, String interfaceType, String owner, String limit, String cursor) {
        return api.list(CallerHeaders.of(caller), active, interfaceType, owner, limit, cursor);
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = ApiException.class)
    public Session get(Caller caller, String sessionId) {
        return api.get(CallerHeaders.of(caller), sessionId);
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = ApiException.class)
    public Session patch(Caller caller, String sessionId, SessionPatch patch) {
        return api.patch(CallerHeaders.of(caller), sessionId, patch);
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = ApiException.class)
    public void end(Caller caller, String sessionId) {
        api.end(CallerHeaders.of(caller), sessionId);
    }

    /** Records a message's arrival through an interface and answers the session (409 if it ended). */
    @Timeout(5000)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = {ApiException.class, TimeoutException.class})
    public Session touch(Caller caller, String sessionId, String interfaceType) {
        return api.touch(CallerHeaders.of(caller), sessionId, interfaceType);
    }

    @Timeout(5000)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = ApiException.class)
    public Page<Message> history(Caller caller, String sessionId, String limit, String before) {
        return api.history(CallerHeaders.of(caller), sessionId, limit, before);
    }

    @Timeout(5000)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = {ApiException.class, TimeoutException.class})
    public Session attach(Caller caller, String sessionId, AttachRequest request) {
        return api.attach(CallerHeaders.of(caller), sessionId, request);
    }

    @Timeout(5000)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = {ApiException.class, TimeoutException.class})
    public Session detach(Caller caller, String sessionId, String interfaceType) {
        return api.detach(CallerHeaders.of(caller), sessionId, interfaceType, null);
    }

    /** Lets go of one WebSocket; its interface stays while another of its sockets is open (safe to repeat). */
    @Timeout(5000)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = {ApiException.class, TimeoutException.class})
    public Session detachSocket(Caller caller, String sessionId, String interfaceType, String connection) {
        return api.detach(CallerHeaders.of(caller), sessionId, interfaceType, connection);
    }

    /** The user behind an interface identity (made on first sight); the caller must be an admin. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = ApiException.class)
    public UserIdentities resolve(Caller caller, String identity) {
        return identities.resolve(CallerHeaders.of(caller), new LinkRequest(null, identity));
    }
}
