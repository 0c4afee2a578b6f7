package io.nagatha.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.nagatha.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own decisions about memory requests, made before the session service is asked
 * (none runs here). Reading and writing memory end to end is tested through the whole system.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class MemoryResourceTest {

    @Test
    @TestSecurity(user = "alice")
    void aUserWhoIsNotAnAdminMayNotNameAnotherUser() {
        given().queryParam("user", "bob").get("/api/v1/memory/facts").then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("forbidden"));
        given().queryParam("user", "bob").get("/api/v1/memory/facts/home.city").then().statusCode(403)
                .body("code", equalTo("forbidden"));
        given().queryParam("user", "bob").contentType(ContentType.JSON).body(Map.of("value", "x"))
                .put("/api/v1/memory/facts/home.city").then().statusCode(403).body("code", equalTo("forbidden"));
        given().queryParam("user", "bob").delete("/api/v1/memory/facts/home.city").then().statusCode(403)
                .body("code", equalTo("forbidden"));
    }

    @Test
    void memoryNeedsAnAuthenticatedCaller() {
        given().get("/api/v1/memory/facts").then().statusCode(401);
        given().contentType(ContentType.JSON).body(Map.of("value", "x")).put("/api/v1/memory/facts/k").then().statusCode(401);
    }
}
