package io.nagatha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import io.nagatha.testing.DiscordSigner;
import io.nagatha.testing.FakeDiscord;
import io.nagatha.testing.FakeOpenAi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Discord's HTTP interactions end to end: signed requests (a key pair made here) to a packaged
 * gateway in front of the real services and a fake model, answers delivered to a fake Discord API
 * over its real webhook routes.
 */
class DiscordInteractionsIT {

    private static final String APP = "1100000000000000001";
    /** Discord's own deadline for the first answer to an interaction. */
    private static final Duration DISCORD_DEADLINE = Duration.ofSeconds(3);
    private static final Duration TURN = Duration.ofSeconds(60);
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final AtomicLong IDS = new AtomicLong(1300000000000000000L);

    static final DiscordSigner SIGNER = DiscordSigner.generate();
    static DiscordStack stack;
    static FakeOpenAi llm;
    static FakeDiscord discord;
    static NagathaProcesses nagatha;

    @BeforeAll
    static void start() {
        stack = new DiscordStack(fake -> Map.of("nagatha.discord.public-key", SIGNER.publicKeyHex(),
                "nagatha.discord.application-id", APP, "nagatha.discord.api-base", fake.apiBase()));
        llm = stack.llm;
        discord = stack.discord;
        nagatha = stack.nagatha;
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void askIsDeferredAtOnceAndTheReplyArrivesThroughTheWebhook() throws Exception {
        String token = "token-ask-" + IDS.incrementAndGet();
        HttpResponse<String> response = interact(command(token, "880000000000000001", "ask", option("prompt", "What is 2+2?")));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.decode(response.body(), JsonNode.class).path("type").asInt()).isEqualTo(5);

        FakeDiscord.Request edit = awaitEdit(token);
        assertThat(edit.method()).isEqualTo("PATCH");
        assertThat(edit.content()).isEqualTo("Hello from the fake model. You said: What is 2+2?");
        assertThat(edit.body().at("/allowed_mentions/parse").isArray()).as("no mention pings").isTrue();
    }

    @Test
    void aLongReplyIsEditedInAndContinuedInFollowUpsAtSentenceEnds() throws Exception {
        String sentence = "Nagatha keeps every sentence whole when a reply is long. ";
        llm.replies(request -> sentence.repeat(80)); // about 4,600 characters
        try {
            String token = "token-long-" + IDS.incrementAndGet();
            interact(command(token, "880000000000000002", "ask", option("prompt", "Tell me a long story")));
            awaitEdit(token);
            List<FakeDiscord.Request> followUps = await("the follow-ups").atMost(TURN).until(
                    () -> discord.requests(r -> r.method().equals("POST") && r.path().equals("/webhooks/" + APP + "/" + token)),
                    list -> list.size() == 2);
            List<String> parts = new ArrayList<>();
            parts.add(awaitEdit(token).content());
            followUps.forEach(f -> parts.add(f.content()));
            assertThat(parts).allSatisfy(part -> assertThat(part).hasSizeLessThanOrEqualTo(2000).endsWith("long."));
            assertThat(String.join(" ", parts)).isEqualTo(sentence.repeat(80).strip());
        } finally {
            llm.reset();
        }
    }

    @Test
    void linkBindsTheDiscordUserSoAskContinuesTheCliSession() throws Exception {
        Http admin = Http.gateway(nagatha.gatewayUrl(), nagatha.adminKey());
        String aliceKey = admin.post("/api/v1/keys", Map.of("userId", "u_alice", "name", "alice laptop")).body().get("key").asText();
        Http alice = Http.gateway(nagatha.gatewayUrl(), aliceKey);
        Http.Reply created = alice.post("/api/v1/sessions", Map.of("interface", "cli"));
        String session = created.body().get("id").asText();
        assertThat(alice.post("/api/v1/sessions/" + session + "/messages?wait=60", Map.of("content", "My cat is called Tom.", "interface", "cli"))
                .status()).isEqualTo(200);
        String code = alice.post("/api/v1/identities/link-codes", null).body().get("code").asText();

        String discordUser = "880000000000000003";
        String linkToken = "token-link-" + IDS.incrementAndGet();
        HttpResponse<String> linking = interact(command(linkToken, discordUser, "link", option("code", code)));
        assertThat(Json.decode(linking.body(), JsonNode.class).path("type").asInt()).isEqualTo(5);
        assertThat(Json.decode(linking.body(), JsonNode.class).at("/data/flags").asInt()).as("private").isEqualTo(64);
        assertThat(awaitEdit(linkToken).content()).contains("Linked").contains("u_alice");
        assertThat(alice.get("/api/v1/identities").body().get("identities").toString()).contains("discord:" + discordUser);

        String askToken = "token-ask-" + IDS.incrementAndGet();
        interact(command(askToken, discordUser, "ask", option("prompt", "What is my cat called?")));
        assertThat(awaitEdit(askToken).content()).isEqualTo("Hello from the fake model. You said: What is my cat called?");
        JsonNode history = alice.get("/api/v1/sessions/" + session + "/messages").body().get("items");
        List<String> said = new ArrayList<>();
        history.forEach(m -> said.add(m.get("role").asText() + (m.get("role").asText().equals("user") ? "/" + m.path("interface").asText() : "")
                + ": " + m.get("content").asText()));
        assertThat(said).containsSubsequence("user/cli: My cat is called Tom.", "user/discord: What is my cat called?",
                "assistant: Hello from the fake model. You said: What is my cat called?");
        // The model saw the terminal conversation when it answered in Discord.
        assertThat(llm.requests().get(llm.requests().size() - 1).toString()).contains("My cat is called Tom.");
    }

    @Test
    void sessionAndStatusCommandsAnswerPrivately() throws Exception {
        String user = "880000000000000004";
        String newToken = "token-new-" + IDS.incrementAndGet();
        interact(subcommand(newToken, user, "session", "new"));
        assertThat(awaitEdit(newToken).content()).startsWith("Started a new session `s_");
        String statusToken = "token-status-" + IDS.incrementAndGet();
        interact(subcommand(statusToken, user, "session", "status"));
        assertThat(awaitEdit(statusToken).content()).startsWith("Session `s_").contains("Attached: discord");
        String systemToken = "token-system-" + IDS.incrementAndGet();
        interact(command(systemToken, user, "status", null));
        assertThat(awaitEdit(systemToken).content()).contains("Nagatha is **ok**").contains("agentService: 1 replica");
        String badCode = "token-badcode-" + IDS.incrementAndGet();
        interact(command(badCode, user, "link", option("code", "AAAAAAAAAA")));
        assertThat(awaitEdit(badCode).content()).startsWith("Sorry: the link code is unknown, used or expired");
    }

    @Test
    void autoChatIsSetForTheBotOnlyByMembersWhoManageTheChannel() throws Exception {
        String channel = "990000000000000077";
        String refused = "token-auto-" + IDS.incrementAndGet();
        interact(autoChat(refused, "880000000000000005", channel, "on", "0"));
        assertThat(awaitEdit(refused).content()).contains("Manage Channels");
        String allowed = "token-auto-" + IDS.incrementAndGet();
        interact(autoChat(allowed, "880000000000000006", channel, "on", String.valueOf(1 << 4)));
        assertThat(awaitEdit(allowed).content()).startsWith("Auto-chat is on");
        // Written where the bot reads it: the memory of the bot's own identity.
        Http asBot = new Http(nagatha.gatewayUrl(), Map.of("Authorization", "Bearer " + nagatha.adminKey(),
                "X-Nagatha-Identity", "discord-bot:" + APP));
        JsonNode setting = asBot.get("/api/v1/memory/user_preferences/auto-chat." + channel).body().get("value");
        assertThat(setting.get("enabled").asBoolean()).isTrue();
        assertThat(setting.get("by").asText()).isEqualTo("880000000000000006");
        String status = "token-auto-" + IDS.incrementAndGet();
        interact(autoChat(status, "880000000000000005", channel, "status", "0"));
        assertThat(awaitEdit(status).content()).startsWith("Auto-chat is on here (set by <@880000000000000006>");
    }

    private static String autoChat(String token, String userId, String channel, String action, String permissions) {
        return Json.encode(Map.of("id", String.valueOf(IDS.incrementAndGet()), "type", 2, "application_id", APP, "token", token,
                "channel_id", channel, "guild_id", "770000000000000001", "version", 1,
                "data", Map.of("id", "2", "name", "auto-chat", "type", 1, "options", List.of(Map.of("name", action, "type", 1))),
                "member", Map.of("user", Map.of("id", userId, "username", "someone"), "permissions", permissions)));
    }

    private static FakeDiscord.Request awaitEdit(String token) {
        String path = "/webhooks/" + APP + "/" + token + "/messages/@original";
        return await("the edit of " + token).atMost(TURN).until(
                () -> discord.requests(r -> r.path().equals(path)), list -> !list.isEmpty()).get(0);
    }

    private static HttpResponse<String> interact(String body) throws IOException, InterruptedException {
        String timestamp = DiscordSigner.now();
        HttpRequest request = HttpRequest.newBuilder(URI.create(nagatha.gatewayUrl() + "/discord/interactions"))
                .timeout(DISCORD_DEADLINE) // an answer later than this is a failed interaction for Discord
                .header("Content-Type", "application/json").header("X-Signature-Ed25519", SIGNER.sign(timestamp, body))
                .header("X-Signature-Timestamp", timestamp).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Object> option(String name, String value) {
        return Map.of("name", name, "type", 3, "value", value);
    }

    private static String command(String token, String userId, String name, Map<String, Object> option) {
        Map<String, Object> data = option == null ? Map.of("id", "1", "name", name, "type", 1)
                : Map.of("id", "1", "name", name, "type", 1, "options", List.of(option));
        return interaction(token, userId, data);
    }

    private static String subcommand(String token, String userId, String name, String sub) {
        return interaction(token, userId, Map.of("id", "1", "name", name, "type", 1,
                "options", List.of(Map.of("name", sub, "type", 1, "options", List.of()))));
    }

    private static String interaction(String token, String userId, Map<String, Object> data) {
        return Json.encode(Map.of("id", String.valueOf(IDS.incrementAndGet()), "type", 2, "application_id", APP, "token", token,
                "channel_id", "990000000000000001", "guild_id", "770000000000000001", "version", 1, "data", data,
                "member", Map.of("user", Map.of("id", userId, "username", "someone"), "permissions", "0")));
    }
}
