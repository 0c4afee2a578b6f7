package io.nagatha.contracts;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Opaque ids: a short kind prefix and 20 random base-32 characters (100 bits). */
public final class Ids {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** What an id from outside may look like before it is used in a Redis key. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private Ids() {
    }

    public static String session() {
        return "s_" + random();
    }

    public static String turn() {
        return "t_" + random();
    }

    public static String message() {
        return "m_" + random();
    }

    public static String toolCall() {
        return "c_" + random();
    }

    public static String user() {
        return "u_" + random();
    }

    /** An API key id: no prefix, because it sits inside the key ({@code nag_<id>_<secret>}). */
    public static String apiKey() {
        return random();
    }

    /** True when {@code id} is safe to place inside a Redis key (no hash-tag braces, no separators). */
    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    private static String random() {
        char[] out = new char[20];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }
}
