package io.nagatha.support.redis;

/** Redis reports errors as text (BUSYGROUP, NOGROUP, NOSCRIPT, …) somewhere in the cause chain. */
public final class RedisErrors {

    private RedisErrors() {
    }

    public static boolean contains(Throwable error, String word) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(word)) {
                return true;
            }
        }
        return false;
    }
}
