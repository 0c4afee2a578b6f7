package io.nagatha.contracts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API key format, {@code nag_<id>_<secret>}: the id finds the stored record in one lookup, the
 * 256-bit secret makes the key unguessable, and only the key's SHA-256 is ever stored. A plain hash
 * is enough because the key is random, not a password; the comparison is constant-time.
 */
public final class ApiKeys {

    private static final String PREFIX = "nag_";
    private static final Pattern FORMAT = Pattern.compile("nag_([a-z0-9]{1,32})_([A-Za-z0-9_-]{32,128})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /** A new key with the given id. */
    public static String generate(String id) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** The key id inside a presented key, if the key has the right shape. */
    public static Optional<String> idOf(String key) {
        if (key == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(key);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    public static boolean isValidId(String id) {
        return id != null && id.matches("[a-z0-9]{1,32}");
    }

    public static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Does the presented key belong to this stored record? Constant-time in the key's content. */
    public static boolean matches(ApiKey stored, String presented) {
        byte[] expected = stored.hash().getBytes(StandardCharsets.US_ASCII);
        byte[] actual = hash(presented).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual);
    }
}
