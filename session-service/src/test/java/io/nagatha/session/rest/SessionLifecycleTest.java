package io.nagatha.session.rest;

import static io.nagatha.session.rest.SessionResourceTest.as;
import static io.nagatha.session.rest.SessionResourceTest.create;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.nagatha.contracts.Caller;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.ServiceReplica;
import io.nagatha.contracts.StreamFields;
import io.nagatha.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ownership, ending, titles and turn policy, and listing of sessions. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class SessionLifecycleTest {

    @Inject
    RedisDataSource redis;

    @Test
    void anotherUsersSessionIsNotFoundButAnAdminSeesIt() {
        String owner = Ids.user();
        String id = create(owner, "cli", null, 201);
        as(Ids.user()).get("/sessions/" + id).then().statusCode(404).body("code", equalTo("session_not_found"));
        as(Ids.user()).get("/sessions/" + id + "/messages").then().statusCode(404);
        as(Ids.user()).contentType(ContentType.JSON).body(Map.of("interface", "web")).post("/sessions/" + id + "/interfaces")
                .then().statusCode(404);
        as(Ids.user()).delete("/sessions/" + id).then().statusCode(404);
        as(Ids.user()).header(Caller.ADMIN_HEADER, "true").get("/sessions/" + id).then().statusCode(200)
                .body("userId", equalTo(owner));
        given().get("/sessions/" + id).then().statusCode(401).body("code", equalTo("unauthorized"));
    }

    @Test
    void endingASessionTellsClientsKeepsHistoryAndTheNextContinueStartsAFreshRelatedOne() {
        String user = Ids.user();
        String id = create(user, "cli", null, 201);
        as(user).delete("/sessions/" + id).then().statusCode(204);
        as(user).delete("/sessions/" + id).then().statusCode(204); // ending twice is harmless
        as(user).get("/sessions/" + id).then().statusCode(200)
                .body("active", equalTo(false)).body("interfaces", hasSize(0));
        as(user).get("/sessions/" + id + "/messages").then().statusCode(200);
        List<String> types = new ArrayList<>();
        redis.stream(String.class).xrange(Keys.events(id), StreamRange.of("-", "+"))
                .forEach(m -> types.add(Event.decode(m.id(), m.payload().get(StreamFields.EVENT)).type()));
        assertEquals(1, types.stream().filter("session.ended"::equals).count());
        as(user).contentType(ContentType.JSON).body(Map.of("interface", "web")).post("/sessions/" + id + "/interfaces")
                .then().statusCode(409).body("code", equalTo("session_ended"));
        as(user).post("/sessions/" + id + "/activity?interface=cli").then().statusCode(409);
        String next = create(user, "cli", "continue", 201);
        assertNotEquals(id, next);
        as(user).get("/sessions/" + next).then().body("relatedSessions", contains(id));
    }

    @Test
    void titleAndTurnPolicyCanBeChanged() {
        String user = Ids.user();
        String id = create(user, "cli", null, 201);
        as(user).contentType(ContentType.JSON).body(Map.of("title", "Trip to Kyoto", "turnPolicy", "reject"))
                .patch("/sessions/" + id).then().statusCode(200)
                .body("title", equalTo("Trip to Kyoto")).body("turnPolicy", equalTo("reject"));
        as(user).contentType(ContentType.JSON).body(Map.of("title", "")).patch("/sessions/" + id).then().statusCode(200)
                .body("title", nullValue()).body("turnPolicy", equalTo("reject"));
        as(user).contentType(ContentType.JSON).body(Map.of("turnPolicy", "sometimes")).patch("/sessions/" + id)
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        as(user).contentType(ContentType.JSON).body(Map.of()).patch("/sessions/" + id).then().statusCode(400);
        as(user).contentType(ContentType.JSON).body(Map.of("title", 7)).patch("/sessions/" + id)
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        as(user).contentType(ContentType.JSON).body(Map.of("title", "x".repeat(201))).patch("/sessions/" + id)
                .then().statusCode(400);
    }

    @Test
    void listingPagesNewestFirstAndFilters() {
        String user = Ids.user();
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            made.add(create(user, i % 2 == 0 ? "cli" : "discord", "new", 201));
        }
        as(user).delete("/sessions/" + made.get(0)).then().statusCode(204);
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var spec = as(user).queryParam("limit", 2);
            if (cursor != null) {
                spec.queryParam("cursor", cursor);
            }
            var page = spec.get("/sessions").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.id", String.class));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        assertEquals(List.of(made.get(4), made.get(3), made.get(2), made.get(1), made.get(0)), seen);
        as(user).queryParam("active", "false").get("/sessions").then().body("items.id", contains(made.get(0)));
        as(user).queryParam("interface", "discord").get("/sessions").then().body("items.id", contains(made.get(3), made.get(1)));
        as(user).queryParam("user", Ids.user()).get("/sessions").then().statusCode(403).body("code", equalTo("forbidden"));
        as(Ids.user()).header(Caller.ADMIN_HEADER, "true").queryParam("user", user).get("/sessions").then().statusCode(200)
                .body("items", hasSize(5));
        as(user).queryParam("cursor", "not-a-cursor").get("/sessions").then().statusCode(400)
                .body("code", equalTo("validation_failed"));
        as(user).queryParam("active", "maybe").get("/sessions").then().statusCode(400);
        as(user).queryParam("limit", 0).get("/sessions").then().statusCode(400);
    }

    @Test
    void aVanishedRestInterfaceIsNotClearedWhileFreshAndStatisticsAreKept() {
        String user = Ids.user();
        String id = create(user, "cli", null, 201);
        as(user).contentType(ContentType.JSON)
                .body(Map.of("interface", "websocket", "holder", "gateway-replica-that-never-lived"))
                .post("/sessions/" + id + "/interfaces").then().statusCode(200);
        given().post("/maintenance/cleanup").then().statusCode(200).body("ran", equalTo(true));
        // The socket's gateway replica does not exist, so its attachment goes; the fresh cli one stays.
        as(user).get("/sessions/" + id).then().body("interfaces.type", contains("cli"));
        String stats = redis.hash(String.class).hget(Keys.SESSION_STATS, "byInterface");
        assertEquals(true, Json.tree(Json.decode(stats, Map.class)).path("cli").asLong() >= 1);
        given().accept("text/plain").get("/q/metrics").then()
                .body(containsString("nagatha_sessions_active"))
                .body(containsString("nagatha_sessions_created_total"))
                .body(containsString("nagatha_sessions_interfaces{application=\"session-service\",interface=\"cli\""))
                .body(not(containsString("nagatha_sessions_interfaces{application=\"session-service\",interface=\"websocket\"")));
        given().get("/q/health/live").then().statusCode(200).body("status", notNullValue());
    }

    @Test
    void anInterfaceHeldBySocketsOnTwoReplicasStaysUntilTheLastClosesAndADeadReplicasSocketsAreCleared() {
        String user = Ids.user();
        String id = create(user, "cli", null, 201);
        String liveGateway = "gw-live-" + Ids.user();
        redis.hash(String.class).hset(Keys.serviceReplicas("gateway"), liveGateway,
                Json.encode(new ServiceReplica(liveGateway, Instant.now(), Instant.now().plusSeconds(3600))));
        attachSocket(user, id, "web", "gw-a", "gw-a:1");
        attachSocket(user, id, "web", liveGateway, liveGateway + ":1");
        attachSocket(user, id, "discord", "gw-a", "gw-a:2");
        long presenceBefore = presenceEvents(id);

        // Replica A's web socket closes: B's keeps the interface, and nobody is told anything changed.
        as(user).queryParam("connection", "gw-a:1").delete("/sessions/" + id + "/interfaces/web").then().statusCode(200)
                .body("interfaces.type", contains("cli", "web", "discord"));
        // Closing it again (a retried detach) changes nothing either.
        as(user).queryParam("connection", "gw-a:1").delete("/sessions/" + id + "/interfaces/web").then().statusCode(200)
                .body("interfaces.type", contains("cli", "web", "discord"));
        assertEquals(presenceBefore, presenceEvents(id));

        // Replica gw-a never beat: the cleanup lets its discord socket go, the live replica's web socket stays.
        given().post("/maintenance/cleanup").then().statusCode(200).body("ran", equalTo(true));
        as(user).get("/sessions/" + id).then().body("interfaces.type", contains("cli", "web"));
        assertEquals(presenceBefore + 1, presenceEvents(id));

        // The last web socket closes: web goes, and a presence event says so.
        as(user).queryParam("connection", liveGateway + ":1").delete("/sessions/" + id + "/interfaces/web").then().statusCode(200)
                .body("interfaces.type", contains("cli"));
        assertEquals(presenceBefore + 2, presenceEvents(id));
        assertEquals(0L, redis.hash(String.class).hlen(Keys.sessionSockets(id)));
        redis.hash(String.class).hdel(Keys.serviceReplicas("gateway"), liveGateway);
    }

    @Test
    void aConnectionIdNeedsAHolder() {
        String user = Ids.user();
        String id = create(user, "cli", null, 201);
        as(user).contentType(ContentType.JSON).body(Map.of("interface", "web", "connection", "c1"))
                .post("/sessions/" + id + "/interfaces").then().statusCode(400).body("code", equalTo("validation_failed"));
    }

    private static void attachSocket(String user, String id, String type, String holder, String connection) {
        as(user).contentType(ContentType.JSON).body(Map.of("interface", type, "holder", holder, "connection", connection))
                .post("/sessions/" + id + "/interfaces").then().statusCode(200);
    }

    private long presenceEvents(String id) {
        return redis.stream(String.class).xrange(Keys.events(id), StreamRange.of("-", "+")).stream()
                .filter(e -> e.payload().get(StreamFields.EVENT).contains("\"presence\"")).count();
    }
}
