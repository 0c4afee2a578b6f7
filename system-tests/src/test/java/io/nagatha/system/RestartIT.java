package io.nagatha.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every service stopped and started again on the same Redis: nothing a user made is lost. */
class RestartIT {

    static NagathaProcesses nagatha;

    @BeforeAll
    static void start() {
        nagatha = NagathaProcesses.onNewRedis().start(Map.of());
    }

    @AfterAll
    static void stop() {
        if (nagatha != null) {
            nagatha.close();
        }
    }

    @Test
    void sessionsIdentitiesKeysAndMemorySurviveARestartOfEveryService() {
        Http admin = Http.gateway(nagatha.gatewayUrl(), nagatha.adminKey());
        Http.Reply created = admin.post("/api/v1/keys", Map.of("userId", "u_bob", "name", "bob's laptop"));
        assertThat(created.status()).isEqualTo(201);
        String bobKey = created.body().get("key").asText();
        String bobKeyId = created.body().get("id").asText();
        Http bob = Http.gateway(nagatha.gatewayUrl(), bobKey);

        String session = bob.post("/api/v1/sessions", Map.of("interface", "cli")).body().get("id").asText();
        Http.Reply turn = bob.post("/api/v1/sessions/" + session + "/messages?wait=30", Map.of("content", "remember me"));
        assertThat(turn.status()).as(turn.body().toString()).isEqualTo(200);
        assertThat(bob.send("PUT", "/api/v1/memory/facts/city", Map.of("value", "Lisbon")).status()).isEqualTo(200);
        assertThat(bob.send("PUT", "/api/v1/memory/temporary/note", Map.of("value", "call back")).status()).isEqualTo(200);
        String code = bob.post("/api/v1/identities/link-codes", null).body().get("code").asText();
        assertThat(admin.post("/api/v1/identities/link", Map.of("code", code, "identity", "discord:4242")).status()).isEqualTo(200);

        nagatha.stopServices();
        nagatha.start(Map.of());
        admin = Http.gateway(nagatha.gatewayUrl(), nagatha.adminKey());
        bob = Http.gateway(nagatha.gatewayUrl(), bobKey);

        Http.Reply again = bob.get("/api/v1/sessions/" + session);
        assertThat(again.status()).as("bob's key and session").isEqualTo(200);
        assertThat(again.body().get("messageCount").asInt()).isEqualTo(2);
        assertThat(bob.get("/api/v1/sessions/" + session + "/messages").body().get("items")).hasSize(2);
        Http.Reply fromDiscord = new Http(nagatha.gatewayUrl(), Map.of("Authorization", "Bearer " + nagatha.adminKey(),
                "X-Nagatha-Identity", "discord:4242")).post("/api/v1/sessions", Map.of("interface", "discord", "mode", "continue"));
        assertThat(fromDiscord.status()).isEqualTo(200);
        assertThat(fromDiscord.body().get("id").asText()).as("the linked identity continues bob's session").isEqualTo(session);
        assertThat(bob.get("/api/v1/memory/facts/city").body().get("value").asText()).isEqualTo("Lisbon");
        JsonNode note = bob.get("/api/v1/memory/temporary/note").body();
        assertThat(note.get("value").asText()).isEqualTo("call back");
        assertThat(note.get("expiresAt").isNull()).isFalse();
        assertThat(texts(bob.get("/api/v1/identities").body().get("identities"))).contains("discord:4242");
        assertThat(texts(admin.get("/api/v1/keys").body().get("items").findValues("id"))).contains(bobKeyId);
    }

    @Test
    void badInputOnEveryEndpointOfThisIssueIsAProblemNeverA5xx() {
        Http admin = Http.gateway(nagatha.gatewayUrl(), nagatha.adminKey());
        String session = admin.post("/api/v1/sessions", Map.of("interface", "cli", "mode", "new")).body().get("id").asText();
        String s = "/api/v1/sessions/" + session;
        List<Object[]> cases = List.of(
                new Object[] {"POST", "/api/v1/sessions", Map.of("mode", "new"), 400},
                new Object[] {"POST", "/api/v1/sessions", Map.of("interface", 5), 400},
                new Object[] {"POST", "/api/v1/sessions", Map.of("interface", "cli", "title", "t".repeat(201)), 400},
                new Object[] {"GET", "/api/v1/sessions?cursor=bogus", null, 400},
                new Object[] {"GET", "/api/v1/sessions?limit=1000", null, 400},
                new Object[] {"GET", "/api/v1/sessions?active=perhaps", null, 400},
                new Object[] {"GET", "/api/v1/sessions/s_unknown", null, 404},
                new Object[] {"PATCH", s, Map.of("turnPolicy", "never"), 400},
                new Object[] {"PATCH", s, Map.of("title", List.of("a")), 400},
                new Object[] {"POST", s + "/interfaces", Map.of("interface", "NOT VALID"), 400},
                new Object[] {"POST", s + "/interfaces", Map.of("interface", "web", "context", "text"), 400},
                new Object[] {"GET", s + "/messages?before=yesterday", null, 400},
                new Object[] {"GET", s + "/messages?limit=-1", null, 400},
                new Object[] {"POST", "/api/v1/identities/link", Map.of("code", "nope"), 400},
                new Object[] {"POST", "/api/v1/identities/link", Map.of("code", "0000000000", "identity", "discord:1"), 400},
                new Object[] {"POST", "/api/v1/identities/link", Map.of("code", 7, "identity", "discord:1"), 400},
                new Object[] {"POST", "/api/v1/keys", Map.of("name", "no user"), 400},
                new Object[] {"POST", "/api/v1/keys", Map.of("userId", "u_1", "name", "x", "admin", "yes"), 400},
                new Object[] {"DELETE", "/api/v1/keys/nosuchkey", null, 404},
                new Object[] {"GET", "/api/v1/memory/moods", null, 400},
                new Object[] {"PUT", "/api/v1/memory/facts/k", Map.of("ttlSeconds", 5), 400},
                new Object[] {"PUT", "/api/v1/memory/facts/k", Map.of("value", "v", "ttlSeconds", "soon"), 400},
                new Object[] {"GET", "/api/v1/memory/facts/missing", null, 404});
        for (Object[] c : cases) {
            Http.Reply reply = admin.send((String) c[0], (String) c[1], c[2]);
            assertThat(reply.status()).as(c[0] + " " + c[1] + " " + c[2] + " -> " + reply.body()).isEqualTo(c[3]);
            assertThat(reply.body().path("code").asText()).as(c[0] + " " + c[1]).isNotEmpty();
            assertThat(reply.body().path("status").asInt()).isEqualTo(c[3]);
        }
        Http.Reply oversize = admin.post(s + "/interfaces", Map.of("interface", "web", "context", Map.of("x", "y".repeat(300_000))));
        assertThat(oversize.status()).isEqualTo(413);
        assertThat(oversize.body().path("code").asText()).isEqualTo("payload_too_large");
    }

    private static List<String> texts(Iterable<JsonNode> nodes) {
        List<String> out = new ArrayList<>();
        nodes.forEach(n -> out.add(n.asText()));
        return out;
    }
}
