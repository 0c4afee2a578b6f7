package io.nagatha.agent.repository;

/**
 * A session's lease as one worker holds it. {@code token} fences every write of the session's
 * running turn: once another worker holds a newer token, this one's writes are refused.
 */
public final class Lease {

    private final String sessionId;
    private final String owner;
    private final String token;
    private volatile boolean lost;

    Lease(String sessionId, String owner, String token) {
        this.sessionId = sessionId;
        this.owner = owner;
        this.token = token;
    }

    public String sessionId() {
        return sessionId;
    }

    public String owner() {
        return owner;
    }

    public String token() {
        return token;
    }

    /** True once a renewal found the lease gone or held by another worker. */
    public boolean lost() {
        return lost;
    }

    void markLost() {
        lost = true;
    }

    @Override
    public String toString() {
        return sessionId + " lease #" + token + " (" + owner + ")";
    }
}
