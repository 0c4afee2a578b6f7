package io.nagatha.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.nagatha.contracts.ApiKey;
import io.nagatha.contracts.ApiKeys;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.testing.RedisTestResource;
import io.nagatha.testing.WsClient;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * API keys at the door, against real Redis: no key, a wrong key, a revoked key, a user key on an
 * admin route. None of these needs session-service, which is not running here: the answer is
 * decided before any call.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class ApiKeyAuthTest {

    @Inject
    RedisDataSource redis;

    @TestHTTPResource("/")
    URI base;

    @Test
    void everyApiRouteWantsAKeyAndSaysSoAsAProblem() {
        List<String[]> routes = List.of(
                new String[] {"GET", "/api/v1/status"}, new String[] {"POST", "/api/v1/sessions"},
                new String[] {"GET", "/api/v1/sessions"}, new String[] {"GET", "/api/v1/sessions/s_x"},
                new String[] {"PATCH", "/api/v1/sessions/s_x"}, new String[] {"DELETE", "/api/v1/sessions/s_x"},
                new String[] {"GET", "/api/v1/sessions/s_x/messages"}, new String[] {"POST", "/api/v1/sessions/s_x/messages"},
                new String[] {"POST", "/api/v1/sessions/s_x/interfaces"}, new String[] {"DELETE", "/api/v1/sessions/s_x/interfaces/cli"},
                new String[] {"GET", "/api/v1/sessions/s_x/events"}, new String[] {"GET", "/api/v1/identities"},
                new String[] {"POST", "/api/v1/identities/link-codes"}, new String[] {"POST", "/api/v1/identities/link"},
                new String[] {"POST", "/api/v1/keys"}, new String[] {"GET", "/api/v1/keys"}, new String[] {"DELETE", "/api/v1/keys/abc"});
        for (String[] route : routes) {
            given().contentType(ContentType.JSON).body("{}").request(route[0], route[1]).then()
                    .statusCode(401).contentType("application/problem+json").body("code", equalTo("unauthorized"))
                    .header("WWW-Authenticate", "Bearer");
        }
    }

    @Test
    void aValidKeyPassesAWrongOrRevokedOneDoesNot() {
        String key = storeKey(Ids.user(), false);
        given().header("Authorization", "Bearer " + key).get("/api/v1/status").then().statusCode(200);
        given().header("Authorization", "bearer " + key).get("/api/v1/status").then().statusCode(200);
        String forged = key.substring(0, key.length() - 2) + (key.endsWith("AA") ? "BB" : "AA");
        given().header("Authorization", "Bearer " + forged).get("/api/v1/status").then().statusCode(401)
                .body("code", equalTo("unauthorized"));
        given().header("Authorization", "Bearer nag_nosuchkey_" + "A".repeat(43)).get("/api/v1/status").then().statusCode(401);
        given().header("Authorization", "Bearer not-a-key").get("/api/v1/status").then().statusCode(401);
        redis.hash(String.class).hdel(Keys.API_KEYS, ApiKeys.idOf(key).orElseThrow());
        given().header("Authorization", "Bearer " + key).get("/api/v1/status").then().statusCode(401);
    }

    @Test
    void accessTokenWorksForReadsOnlyAndAdminRoutesRefuseUsers() {
        String key = storeKey(Ids.user(), false);
        given().queryParam("access_token", key).get("/api/v1/status").then().statusCode(200);
        given().queryParam("access_token", key).contentType(ContentType.JSON).body(Map.of("interface", "cli"))
                .post("/api/v1/sessions").then().statusCode(401);
        given().header("Authorization", "Bearer " + key).get("/api/v1/keys").then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("forbidden"));
        given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(Map.of("identity", "discord:1"))
                .post("/api/v1/identities/resolve").then().statusCode(403).body("code", equalTo("forbidden"));
    }

    @Test
    void onlyAnAdminKeyMayActForAnIdentity() {
        String key = storeKey(Ids.user(), false);
        given().header("Authorization", "Bearer " + key).header("X-Nagatha-Identity", "discord:123")
                .get("/api/v1/status").then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("forbidden"));
    }

    @Test
    void aWebSocketWithoutAGoodKeyIsClosedWith4401() throws Exception {
        String ws = base.toString().replace("http://", "ws://") + "ws/v1/sessions/s_x";
        try (WsClient client = WsClient.connect(ws)) {
            assertThat(client.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4401);
        }
        try (WsClient client = WsClient.connect(ws + "?access_token=nag_wrong_" + "A".repeat(43))) {
            assertThat(client.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4401);
        }
    }

    private String storeKey(String userId, boolean admin) {
        String id = Ids.apiKey();
        String key = ApiKeys.generate(id);
        redis.hash(String.class).hset(Keys.API_KEYS, id, Json.encode(new ApiKey(id, userId, "test", admin, Instant.now(), ApiKeys.hash(key))));
        return key;
    }
}
