package io.nagatha.session.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nagatha.contracts.Caller;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.StreamFields;
import io.nagatha.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RedisTestResource.class)
class SessionResourceTest {

    @Inject
    RedisDataSource redis;

    @Test
    void continueReturnsTheActiveSessionFromAnotherInterface() {
        String user = "u_" + Ids.message().substring(2);
        String id = create(user, "cli", null, 201);
        String again = given().contentType(ContentType.JSON)
                .body(Map.of("userId", user, "interface", "discord", "mode", "continue"))
                .when().post("/sessions")
                .then().statusCode(200)
                .body("created", equalTo(false))
                .body("session.interfaces.type", containsInAnyOrder("cli", "discord"))
                .extract().path("session.id");
        assertEquals(id, again);
    }

    @Test
    void newAlwaysMakesAFreshSessionWhichBecomesTheActiveOne() {
        String user = "u_" + Ids.message().substring(2);
        String first = create(user, "cli", null, 201);
        String second = create(user, "cli", "new", 201);
        org.junit.jupiter.api.Assertions.assertNotEquals(first, second);
        assertEquals(second, create(user, "web", "continue", 200));
    }

    @Test
    void aSessionReadsBackWithEveryField() {
        String user = "u_" + Ids.message().substring(2);
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("userId", user, "interface", "cli", "title", "Plans", "context", Map.of("host", "laptop")))
                .post("/sessions").then().statusCode(201).extract().path("session.id");
        as(user).get("/sessions/" + id).then().statusCode(200)
                .body("id", equalTo(id))
                .body("userId", equalTo(user))
                .body("title", equalTo("Plans"))
                .body("active", equalTo(true))
                .body("turnPolicy", equalTo("queue"))
                .body("createdAt", notNullValue())
                .body("lastActivity", notNullValue())
                .body("expiresAt", notNullValue())
                .body("interfaces[0].type", equalTo("cli"))
                .body("interfaces[0].context.host", equalTo("laptop"))
                .body("messageCount", equalTo(0))
                .body("relatedSessions.size()", equalTo(0))
                .body("usage.promptTokens", equalTo(0));
    }

    @Test
    void anUnknownIdIsNotFoundAndNeverCreatesASession() {
        as("u_x").get("/sessions/s_doesnotexist").then().statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("session_not_found"))
                .body("status", equalTo(404));
        assertEquals(0, redis.key().exists(Keys.session("s_doesnotexist")) ? 1 : 0);
        as("u_x").urlEncodingEnabled(false).get("/sessions/bad%7Bid%7D").then().statusCode(404).body("code", equalTo("session_not_found"));
    }

    @Test
    void badBodiesAreProblemsWithAStableCode() {
        given().contentType(ContentType.JSON).body(Map.of("userId", "u_1")).post("/sessions")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("validation_failed")).body("detail", startsWith("'interface'"));
        given().contentType(ContentType.JSON).body(Map.of("userId", "u_1", "interface", "cli", "mode", "sideways"))
                .post("/sessions").then().statusCode(400).body("code", equalTo("validation_failed"));
        given().contentType(ContentType.JSON).body("{\"userId\": \"u_1\", \"interface\": ").post("/sessions")
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        given().contentType(ContentType.JSON).body(Map.of("userId", "u_1", "interface", "cli", "context", List.of(1)))
                .post("/sessions").then().statusCode(400).body("detail", equalTo("'context' must be a JSON object"));
    }

    @Test
    void attachAndDetachAnnouncePresence() {
        String user = "u_" + Ids.message().substring(2);
        String id = create(user, "cli", null, 201);
        as(user).contentType(ContentType.JSON).body(Map.of("interface", "web")).post("/sessions/" + id + "/interfaces")
                .then().statusCode(200).body("interfaces.type", contains("cli", "web"));
        as(user).delete("/sessions/" + id + "/interfaces/cli")
                .then().statusCode(200).body("interfaces.type", contains("web"));
        var presence = redis.stream(String.class).xrange(Keys.events(id), io.quarkus.redis.datasource.stream.StreamRange.of("-", "+"))
                .stream().map(m -> Json.decode(m.payload().get(StreamFields.EVENT), io.nagatha.contracts.Event.class))
                .filter(e -> e.type().equals("presence")).map(e -> e.data().get("interfaces").toString()).toList();
        assertEquals(List.of("[\"cli\",\"web\"]", "[\"web\"]"), presence);
    }

    @Test
    void historyPagesNewestLastWithACursor() {
        String user = "u_" + Ids.message().substring(2);
        String id = create(user, "cli", null, 201);
        for (int i = 1; i <= 5; i++) {
            Message m = new Message("m_" + i, i % 2 == 1 ? Message.USER : Message.ASSISTANT, "message " + i, "cli", "t_1", Instant.now());
            redis.stream(String.class).xadd(Keys.history(id), Map.of(StreamFields.MESSAGE, Json.encode(m)));
        }
        String cursor = as(user).queryParam("limit", 2).get("/sessions/" + id + "/messages").then().statusCode(200)
                .body("items.content", contains("message 4", "message 5"))
                .body("items[0].interface", equalTo("cli"))
                .body("items[0].turnId", equalTo("t_1"))
                .body("nextCursor", notNullValue())
                .extract().path("nextCursor");
        String last = as(user).queryParam("limit", 2).queryParam("before", cursor).get("/sessions/" + id + "/messages")
                .then().statusCode(200).body("items.content", contains("message 2", "message 3"))
                .extract().path("nextCursor");
        as(user).queryParam("limit", 2).queryParam("before", last).get("/sessions/" + id + "/messages")
                .then().statusCode(200).body("items.content", contains("message 1")).body("nextCursor", nullValue());
        as(user).queryParam("limit", 500).get("/sessions/" + id + "/messages").then().statusCode(400)
                .body("code", equalTo("validation_failed"));
        as(user).queryParam("limit", "ten").get("/sessions/" + id + "/messages").then().statusCode(400);
        as(user).queryParam("before", "yesterday").get("/sessions/" + id + "/messages").then().statusCode(400)
                .body("code", equalTo("validation_failed"));
    }

    @Test
    void readinessReportsRedisAndMetricsArePrometheusText() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(org.hamcrest.Matchers.containsStringIgnoringCase("redis")));
        given().accept("text/plain").get("/q/metrics").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("text/plain"))
                .body(org.hamcrest.Matchers.containsString("# TYPE jvm_memory_used_bytes gauge"))
                .body(not(org.hamcrest.Matchers.emptyString()));
    }

    static io.restassured.specification.RequestSpecification as(String user) {
        return given().header(Caller.USER_HEADER, user);
    }

    static String create(String user, String iface, String mode, int status) {
        Map<String, String> body = mode == null ? Map.of("userId", user, "interface", iface)
                : Map.of("userId", user, "interface", iface, "mode", mode);
        return given().contentType(ContentType.JSON).body(body).post("/sessions")
                .then().statusCode(status).extract().path("session.id");
    }
}
