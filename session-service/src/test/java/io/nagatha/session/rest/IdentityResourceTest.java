package io.nagatha.session.rest;

import static io.nagatha.session.rest.SessionResourceTest.as;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nagatha.contracts.ApiKey;
import io.nagatha.contracts.Caller;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.ApiKeys;
import io.nagatha.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Identities, linking and API keys. Link codes live 5 s here so that their expiry can be watched,
 * yet outlive the several requests (eight at once in the race) that other tests make with one code.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@TestProfile(IdentityResourceTest.ShortCodes.class)
class IdentityResourceTest {

    static final String BOOTSTRAP_KEY = "nag_bootstrap_" + "A".repeat(43);

    public static class ShortCodes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("nagatha.identities.link-code-ttl", "5s", "nagatha.identities.admin-key", BOOTSTRAP_KEY,
                    "nagatha.identities.admin-user", "boss");
        }
    }

    @Inject
    RedisDataSource redis;

    @Test
    void afterLinkingDiscordTheSameUserReachesOneSessionFromCliAndDiscord() {
        String cliUser = resolve("cli:alice@laptop-" + Ids.apiKey());
        String discord = "discord:" + (long) (Math.random() * 1e17);
        String discordUser = resolve(discord);
        assertFalse(cliUser.equals(discordUser), "before linking they are two users");

        String session = SessionResourceTest.create(cliUser, "cli", null, 201);
        String code = as(cliUser).post("/identities/link-codes").then().statusCode(201)
                .body("code", matchesPattern("[0-9A-Z]{10}")).body("expiresAt", notNullValue())
                .extract().path("code");
        admin().contentType(ContentType.JSON).body(Map.of("code", code, "identity", discord)).post("/identities/link")
                .then().statusCode(200).body("userId", equalTo(cliUser)).body("identities", hasItem(discord));

        assertEquals(cliUser, resolve(discord));
        String fromDiscord = given().contentType(ContentType.JSON)
                .body(Map.of("userId", resolve(discord), "interface", "discord", "mode", "continue"))
                .post("/sessions").then().statusCode(200).extract().path("session.id");
        assertEquals(session, fromDiscord);
        as(cliUser).get("/sessions/" + session).then().body("interfaces.type", containsInAnyOrder("cli", "discord"));
        as(discordUser).get("/identities").then().body("identities", not(hasItem(discord)));
    }

    @Test
    void aCodeWorksOnceEvenWhenTwoRequestsRaceWithIt() throws Exception {
        String user = Ids.user();
        String code = as(user).post("/identities/link-codes").then().statusCode(201).extract().path("code");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String identity = "discord:" + (1000 + i);
            Callable<Integer> link = () -> admin().contentType(ContentType.JSON)
                    .body(Map.of("code", code, "identity", identity)).post("/identities/link").statusCode();
            results.add(pool.submit(link));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : results) {
            statuses.add(f.get());
        }
        pool.shutdown();
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertEquals(7, statuses.stream().filter(s -> s == 400).count(), statuses.toString());
    }

    @Test
    void aCodeExpires() {
        String user = Ids.user();
        String code = as(user).post("/identities/link-codes").then().statusCode(201).extract().path("code");
        long ttl = redis.key().pttl(Keys.linkCode(code));
        assertTrue(ttl > 0 && ttl <= 5000, "the code carries its TTL in Redis: " + ttl);
        await().atMost(Duration.ofSeconds(20)).until(() -> !redis.key().exists(Keys.linkCode(code)));
        admin().contentType(ContentType.JSON).body(Map.of("code", code, "identity", "discord:42")).post("/identities/link")
                .then().statusCode(400).body("code", equalTo("link_code_invalid"));
    }

    @Test
    void guessingIsCutOffAfterAFewFailuresEvenWithTheRightCode() {
        String victim = Ids.user();
        String code = as(victim).post("/identities/link-codes").then().statusCode(201).extract().path("code");
        String mine = "cli:guesser@box-" + Ids.apiKey();
        // The guesser holds an identity of its own, so only the code decides.
        String guesserUser = resolve(mine);
        for (int i = 0; i < 5; i++) {
            as(guesserUser).contentType(ContentType.JSON).body(Map.of("code", "0000000000".substring(0, 9) + i, "identity", mine))
                    .post("/identities/link").then().statusCode(400).body("code", equalTo("link_code_invalid"));
        }
        as(guesserUser).contentType(ContentType.JSON).body(Map.of("code", code, "identity", mine)).post("/identities/link")
                .then().statusCode(429).header("Retry-After", notNullValue()).body("code", equalTo("rate_limited"));
        // The refused attempt did not use the code up: its owner's link still works.
        admin().contentType(ContentType.JSON).body(Map.of("code", code, "identity", "discord:777" + Ids.apiKey().replaceAll("\\D", "")))
                .post("/identities/link").then().statusCode(200).body("userId", equalTo(victim));
    }

    @Test
    void nobodyButAnAdminMayClaimAnIdentityTheyDoNotHold() {
        String user = Ids.user();
        String code = as(user).post("/identities/link-codes").then().statusCode(201).extract().path("code");
        String stranger = Ids.user();
        as(stranger).contentType(ContentType.JSON).body(Map.of("code", code, "identity", "discord:123456"))
                .post("/identities/link").then().statusCode(403).body("code", equalTo("forbidden"));
        as(stranger).contentType(ContentType.JSON).body(Map.of("identity", "discord:1")).post("/identities/resolve")
                .then().statusCode(403);
        // A user may move an identity of their own, e.g. a Discord user joining their CLI self.
        String discordUser = resolve("discord:55501");
        as(discordUser).contentType(ContentType.JSON).body(Map.of("code", code, "identity", "discord:55501"))
                .post("/identities/link").then().statusCode(200).body("userId", equalTo(user));
    }

    @Test
    void badLinkInputIsAProblem() {
        String user = Ids.user();
        admin().contentType(ContentType.JSON).body(Map.of("code", "ABC")).post("/identities/link")
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        admin().contentType(ContentType.JSON).body(Map.of("code", "ABCDEFGHJK", "identity", "no colon")).post("/identities/link")
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        admin().contentType(ContentType.JSON).body(Map.of("code", 12, "identity", "discord:1")).post("/identities/link")
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        as(user).contentType(ContentType.JSON).post("/identities/link").then().statusCode(400);
    }

    @Test
    void keysAreStoredOnlyAsHashesAndOnlyAdminsManageThem() {
        String user = Ids.user();
        String key = admin().contentType(ContentType.JSON).body(Map.of("userId", user, "name", "laptop"))
                .post("/keys").then().statusCode(201).body("userId", equalTo(user)).body("admin", equalTo(false))
                .extract().path("key");
        String id = ApiKeys.idOf(key).orElseThrow();
        String stored = redis.hash(String.class).hget(Keys.API_KEYS, id);
        assertFalse(stored.contains(key.substring(key.lastIndexOf('_') + 1)), "the secret is never stored");
        assertTrue(ApiKeys.matches(Json.decode(stored, ApiKey.class), key));
        admin().get("/keys").then().statusCode(200).body("items.id", hasItem(id))
                .body("items.find { it.id == '" + id + "' }.hash", equalTo(null));
        as(user).get("/keys").then().statusCode(403).body("code", equalTo("forbidden"));
        admin().delete("/keys/" + id).then().statusCode(204);
        admin().delete("/keys/" + id).then().statusCode(404).body("code", equalTo("not_found"));
        admin().contentType(ContentType.JSON).body(Map.of("userId", "bad user!", "name", "x")).post("/keys")
                .then().statusCode(400);
        admin().contentType(ContentType.JSON).body(Map.of("userId", user)).post("/keys").then().statusCode(400);
        admin().contentType(ContentType.JSON).body(Map.of("userId", user, "name", "n", "admin", "yes")).post("/keys")
                .then().statusCode(400).body("code", equalTo("validation_failed"));
    }

    @Test
    void theBootstrapAdminKeyIsStoredAtStartUp() {
        ApiKey stored = Json.decode(redis.hash(String.class).hget(Keys.API_KEYS, "bootstrap"), ApiKey.class);
        assertTrue(stored.admin());
        assertEquals("boss", stored.userId());
        assertTrue(ApiKeys.matches(stored, BOOTSTRAP_KEY));
        admin().get("/keys").then().body("items.id", hasItem("bootstrap"));
        as("boss").get("/identities").then().body("userId", equalTo("boss")).body("identities", empty());
    }

    private static RequestSpecification admin() {
        return as("admin-" + Ids.apiKey()).header(Caller.ADMIN_HEADER, "true");
    }

    private static String resolve(String identity) {
        return admin().contentType(ContentType.JSON).body(Map.of("identity", identity)).post("/identities/resolve")
                .then().statusCode(200).extract().path("userId");
    }
}
