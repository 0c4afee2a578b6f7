package io.nagatha.gateway.discord;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Discord's request signature: Ed25519 over {@code X-Signature-Timestamp} followed by the raw
 * body, checked with the JDK's EdDSA against the application's public key. The signature check is
 * the JDK's (its verification does not stop early on a mismatch); the timestamp must be within a
 * window of now, so a captured request cannot be replayed later.
 */
public final class SignatureVerifier {

    /** The DER prefix of an X.509 SubjectPublicKeyInfo for a raw 32-byte Ed25519 key. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final PublicKey key;
    private final Duration tolerance;
    private final Clock clock;

    public SignatureVerifier(String publicKeyHex, Duration tolerance, Clock clock) {
        this.key = decode(publicKeyHex);
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /** Why a request was refused, or empty when it is Discord's and fresh. */
    public Optional<String> check(String signatureHex, String timestamp, byte[] body) {
        if (signatureHex == null || timestamp == null || signatureHex.isBlank() || timestamp.isBlank()) {
            return Optional.of("X-Signature-Ed25519 and X-Signature-Timestamp are required");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return Optional.of("X-Signature-Timestamp is not a Unix time");
        }
        Duration age = Duration.between(Instant.ofEpochSecond(seconds), clock.instant()).abs();
        if (age.compareTo(tolerance) > 0) {
            return Optional.of("the request's timestamp is more than " + tolerance.toSeconds() + " s from now");
        }
        byte[] signature;
        try {
            signature = HexFormat.of().parseHex(signatureHex.strip());
        } catch (IllegalArgumentException e) {
            return Optional.of("X-Signature-Ed25519 is not hex");
        }
        if (signature.length != 64) {
            return Optional.of("X-Signature-Ed25519 is not an Ed25519 signature");
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(timestamp.getBytes(StandardCharsets.UTF_8));
            verifier.update(body);
            return verifier.verify(signature) ? Optional.empty() : Optional.of("the signature does not match");
        } catch (GeneralSecurityException e) {
            return Optional.of("the signature does not match");
        }
    }

    /** A public key from the 64 hex digits the Developer Portal shows. */
    static PublicKey decode(String hex) {
        byte[] raw;
        try {
            raw = HexFormat.of().parseHex(hex.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("nagatha.discord.public-key must be 64 hex digits", e);
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException("nagatha.discord.public-key must be 64 hex digits (32 bytes), not " + raw.length + " bytes");
        }
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + raw.length];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("nagatha.discord.public-key is not an Ed25519 public key", e);
        }
    }
}
