package io.nagatha.gateway.discord;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.nagatha.testing.DiscordSigner;
import io.nagatha.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Without a configured public key nothing can be verified, so the endpoint does not exist. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class DiscordEndpointOffTest {

    @Test
    void withoutAPublicKeyTheEndpointIsA404Problem() {
        DiscordSigner anyone = DiscordSigner.generate();
        String timestamp = DiscordSigner.now();
        given().contentType("application/json").header("X-Signature-Ed25519", anyone.sign(timestamp, "{\"type\":1}"))
                .header("X-Signature-Timestamp", timestamp).body("{\"type\":1}").post("/discord/interactions").then()
                .statusCode(404).contentType("application/problem+json").body("code", equalTo("not_found"));
    }
}
