package io.nagatha.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Signs interactions the way Discord does: Ed25519 over the timestamp followed by the body, with a
 * key pair made here, so tests need no Discord application. {@link #publicKeyHex()} is what the
 * Developer Portal would show.
 */
public final class DiscordSigner {

    private final KeyPair keys;

    private DiscordSigner(KeyPair keys) {
        this.keys = keys;
    }

    public static DiscordSigner generate() {
        try {
            return new DiscordSigner(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One key pair for the whole test JVM, kept in system properties: a Quarkus test profile (which
     * configures the public key) and the test (which signs) may be loaded by different class loaders.
     */
    public static synchronized DiscordSigner shared() {
        String publicKey = System.getProperty("nagatha.test.discord.public");
        String privateKey = System.getProperty("nagatha.test.discord.private");
        if (publicKey == null || privateKey == null) {
            DiscordSigner signer = generate();
            System.setProperty("nagatha.test.discord.public", HexFormat.of().formatHex(signer.keys.getPublic().getEncoded()));
            System.setProperty("nagatha.test.discord.private", HexFormat.of().formatHex(signer.keys.getPrivate().getEncoded()));
            return signer;
        }
        try {
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            return new DiscordSigner(new KeyPair(
                    factory.generatePublic(new X509EncodedKeySpec(HexFormat.of().parseHex(publicKey))),
                    factory.generatePrivate(new PKCS8EncodedKeySpec(HexFormat.of().parseHex(privateKey)))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The raw 32-byte public key in hex (the last 32 bytes of its X.509 encoding). */
    public String publicKeyHex() {
        byte[] spki = keys.getPublic().getEncoded();
        return HexFormat.of().formatHex(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
    }

    /** The signature of {@code timestamp + body}, hex. */
    public String sign(String timestamp, String body) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(keys.getPrivate());
            signer.update(timestamp.getBytes(StandardCharsets.UTF_8));
            signer.update(body.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Now as Discord sends it: Unix seconds. */
    public static String now() {
        return String.valueOf(Instant.now().getEpochSecond());
    }
}
