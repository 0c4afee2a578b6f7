package io.nagatha.gateway.discord;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.nagatha.testing.DiscordSigner;
import io.nagatha.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The interactions endpoint's door: Discord's Ed25519 signature over timestamp + raw body, checked
 * with a key pair made for the test. Only a verified PING gets its PONG; everything else is a 401
 * problem before the body is even parsed.
 */
@QuarkusTest
@TestProfile(DiscordProfile.class)
@WithTestResource(RedisTestResource.class)
class DiscordSignatureTest {

    private static final String PING = "{\"id\":\"1200000000000000001\",\"type\":1,\"application_id\":\"1100000000000000001\",\"token\":\"t\",\"version\":1}";

    private final DiscordSigner discord = DiscordSigner.shared();

    @Test
    void aSignedPingIsAnsweredWithAPong() {
        String timestamp = DiscordSigner.now();
        post(PING, discord.sign(timestamp, PING), timestamp).statusCode(200)
                .contentType("application/json").body(equalTo("{\"type\":1}"));
    }

    @Test
    void aTamperedBodyIsRefused() {
        String timestamp = DiscordSigner.now();
        String signature = discord.sign(timestamp, PING);
        unauthorized(post(PING.replace("\"type\":1", "\"type\":2"), signature, timestamp), "does not match");
        // The timestamp is signed too: the same body and signature with another time fail.
        unauthorized(post(PING, signature, String.valueOf(Long.parseLong(timestamp) - 1)), "does not match");
    }

    @Test
    void aSignatureByAnotherKeyIsRefused() {
        String timestamp = DiscordSigner.now();
        unauthorized(post(PING, DiscordSigner.generate().sign(timestamp, PING), timestamp), "does not match");
    }

    @Test
    void missingOrMalformedHeadersAreRefused() {
        String timestamp = DiscordSigner.now();
        String signature = discord.sign(timestamp, PING);
        unauthorized(given().contentType("application/json").body(PING).post("/discord/interactions").then(), "required");
        unauthorized(given().contentType("application/json").header("X-Signature-Timestamp", timestamp).body(PING)
                .post("/discord/interactions").then(), "required");
        unauthorized(given().contentType("application/json").header("X-Signature-Ed25519", signature).body(PING)
                .post("/discord/interactions").then(), "required");
        unauthorized(post(PING, "zz" + signature.substring(2), timestamp), "not hex");
        unauthorized(post(PING, signature.substring(2), timestamp), "not an Ed25519 signature");
        unauthorized(post(PING, signature, "yesterday"), "not a Unix time");
    }

    @Test
    void aTimestampOlderThanFiveMinutesIsRefusedEvenWhenSigned() {
        String stale = String.valueOf(Instant.now().minusSeconds(5 * 60 + 30).getEpochSecond());
        unauthorized(post(PING, discord.sign(stale, PING), stale), "from now");
        String future = String.valueOf(Instant.now().plusSeconds(5 * 60 + 30).getEpochSecond());
        unauthorized(post(PING, discord.sign(future, PING), future), "from now");
        String recent = String.valueOf(Instant.now().minusSeconds(4 * 60).getEpochSecond());
        post(PING, discord.sign(recent, PING), recent).statusCode(200).body("type", equalTo(1));
    }

    @Test
    void aSignedBodyThatIsNotAnInteractionIsABadRequest() {
        String timestamp = DiscordSigner.now();
        post("not json", discord.sign(timestamp, "not json"), timestamp).statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("validation_failed"));
        String big = "{\"type\":1,\"pad\":\"" + "x".repeat(70_000) + "\"}";
        post(big, discord.sign(timestamp, big), timestamp).statusCode(413).body("code", equalTo("payload_too_large"));
    }

    private static ValidatableResponse post(String body, String signature, String timestamp) {
        return given().contentType("application/json").header("X-Signature-Ed25519", signature)
                .header("X-Signature-Timestamp", timestamp).body(body).post("/discord/interactions").then();
    }

    private static void unauthorized(ValidatableResponse response, String reason) {
        response.statusCode(401).contentType("application/problem+json").body("code", equalTo("unauthorized"))
                .body("detail", containsString(reason));
    }
}
