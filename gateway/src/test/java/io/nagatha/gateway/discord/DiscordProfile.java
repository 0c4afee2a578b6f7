package io.nagatha.gateway.discord;

import io.nagatha.testing.DiscordSigner;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The interactions endpoint switched on with a key pair made for the test. */
public class DiscordProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("nagatha.discord.public-key", DiscordSigner.shared().publicKeyHex(),
                "nagatha.discord.application-id", "1100000000000000001");
    }
}
