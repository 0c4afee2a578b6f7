package io.nagatha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nagatha.discordbot.client.NagathaClient;
import io.nagatha.discordbot.discord.DiscordRest;
import io.nagatha.discordbot.service.AutoChat;
import io.nagatha.discordbot.service.InboundMessage;
import io.nagatha.discordbot.service.MessageHandler;
import io.nagatha.testing.FakeDiscord;
import io.nagatha.testing.FakeOpenAi;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bot's message-handling core with synthetic Discord messages (what its JDA listener hands it),
 * a fake Discord REST API for what it sends, and the real packaged services behind a gateway that
 * a test can make unreachable for a while.
 */
class DiscordBotIT {

    private static final Duration TURN = Duration.ofSeconds(60);
    private static final String GUILD = "770000000000000009";
    private static final AtomicLong IDS = new AtomicLong(1400000000000000000L);

    static DiscordStack stack;
    static FakeOpenAi llm;
    static FakeDiscord discord;
    static NagathaProcesses nagatha;
    static GatewayProxy proxy;

    SimpleMeterRegistry metrics;
    MessageHandler handler;

    @BeforeAll
    static void start() {
        stack = new DiscordStack(fake -> Map.of());
        llm = stack.llm;
        discord = stack.discord;
        nagatha = stack.nagatha;
        proxy = new GatewayProxy(nagatha.gatewayUrl());
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void newBot() {
        metrics = new SimpleMeterRegistry();
        handler = bot(2);
    }

    @AfterEach
    void closeBot() {
        handler.close();
        llm.reset();
    }

    /** A bot as BotRuntime wires it, with short waits and {@code autoChatLimit} auto-chat replies per hour. */
    private MessageHandler bot(int autoChatLimit) {
        NagathaClient client = new NagathaClient(proxy.url(), nagatha.adminKey());
        AutoChat autoChat = new AutoChat(client, "discord-bot:1100000000000000009", autoChatLimit, Duration.ofHours(1), Duration.ZERO,
                Clock.systemUTC());
        return new MessageHandler(client, new DiscordRest(discord.apiBase(), "bot-token"), autoChat,
                new MessageHandler.Settings(Duration.ofSeconds(30), Duration.ofMinutes(2), 20, Duration.ofMillis(200),
                        Duration.ofSeconds(1), 4, 20, 1000, Duration.ofSeconds(1)),
                metrics, Clock.systemUTC());
    }

    @Test
    void aMentionIsAnsweredInItsChannelAsAReplyWithTheTypingIndicatorOn() {
        String channel = id();
        InboundMessage mention = message(channel, GUILD, id(), "What is 2+2?", true);
        handler.onMessage(mention);
        FakeDiscord.Request reply = awaitReplies(channel, 1).get(0);
        assertThat(reply.content()).isEqualTo("Hello from the fake model. You said: What is 2+2?");
        assertThat(reply.body().at("/message_reference/message_id").asText()).isEqualTo(mention.messageId());
        assertThat(reply.body().at("/allowed_mentions/parse").size()).as("pings nobody").isZero();
        assertThat(reply.authorization()).isEqualTo("Bot bot-token");
        // The indicator is sent from a thread of its own, started with the turn: it may reach the fake after the reply.
        await("the typing indicator").atMost(TURN)
                .until(() -> !discord.requests(r -> r.path().equals("/channels/" + channel + "/typing")).isEmpty());
    }

    @Test
    void aDirectMessageIsAnsweredAndOtherMessagesAndBotsAreNot() {
        String dm = id();
        handler.onMessage(message(dm, null, id(), "Hello in private", false));
        assertThat(awaitReplies(dm, 1).get(0).content()).isEqualTo("Hello from the fake model. You said: Hello in private");

        String channel = id();
        InboundMessage chatter = message(channel, GUILD, id(), "people talking", false);
        InboundMessage fromBot = new InboundMessage(id(), channel, GUILD, id(), true, "another bot", true);
        handler.onMessage(chatter);
        handler.onMessage(fromBot);
        handler.onMessage(message(channel, GUILD, id(), "and now to you", true));
        // A channel answers in order, so once the mention is answered the others were passed over.
        List<FakeDiscord.Request> replies = awaitReplies(channel, 1);
        assertThat(replies).extracting(FakeDiscord.Request::content).containsExactly("Hello from the fake model. You said: and now to you");
    }

    @Test
    void autoChatAnswersEveryMessageUpToTheChannelsRateLimitAndIsKeptInNagatha() {
        String channel = id();
        String moderator = id();
        assertThat(handler.autoChatCommand("on", channel, false, false, id())).contains("Manage Channels");
        assertThat(handler.autoChatCommand("on", channel, false, true, moderator)).startsWith("Auto-chat is on");
        for (int i = 1; i <= 3; i++) {
            handler.onMessage(message(channel, GUILD, id(), "chatter " + i, false));
        }
        handler.onMessage(message(channel, GUILD, id(), "a mention is always answered", true));
        List<FakeDiscord.Request> replies = awaitReplies(channel, 3);
        assertThat(replies).extracting(FakeDiscord.Request::content).containsExactly(
                "Hello from the fake model. You said: chatter 1", "Hello from the fake model. You said: chatter 2",
                "Hello from the fake model. You said: a mention is always answered");
        assertThat(metrics.counter("nagatha.discord.bot.messages", "outcome", "rate_limited").count()).isEqualTo(1);
        assertThat(handler.autoChatCommand("status", channel, false, false, id())).startsWith("Auto-chat is on")
                .contains("<@" + moderator + ">").contains("2 of 2 replies");

        // The setting lives in Nagatha, not in the bot: a new bot process knows it.
        handler.close();
        handler = bot(2);
        assertThat(handler.autoChatCommand("status", channel, false, false, id())).startsWith("Auto-chat is on");
        assertThat(handler.autoChatCommand("off", channel, false, true, moderator)).startsWith("Auto-chat is off");
    }

    @Test
    void aLongReplyIsSplitAtSentenceEndsIntoMessagesOfAtMost2000Characters() {
        String sentence = "A long answer keeps its sentences whole across messages. ";
        llm.replies(request -> sentence.repeat(90)); // about 5,100 characters
        String channel = id();
        InboundMessage mention = message(channel, GUILD, id(), "Tell me everything", true);
        handler.onMessage(mention);
        List<FakeDiscord.Request> parts = awaitReplies(channel, 3);
        assertThat(parts).allSatisfy(p -> assertThat(p.content()).hasSizeLessThanOrEqualTo(2000).endsWith("messages."));
        assertThat(parts.get(0).body().at("/message_reference/message_id").asText()).isEqualTo(mention.messageId());
        assertThat(parts.get(1).body().has("message_reference")).isFalse();
        assertThat(String.join(" ", parts.stream().map(FakeDiscord.Request::content).toList())).isEqualTo(sentence.repeat(90).strip());
    }

    @Test
    void aMessageArrivingWhileTheGatewayIsDownIsRetriedAndAnsweredOnceEvenWhenRedelivered() {
        String channel = id();
        String author = id();
        InboundMessage mention = new InboundMessage(id(), channel, GUILD, author, false, "Are you there?", true);
        proxy.down();
        try {
            handler.onMessage(mention);
            await("a failed try").atMost(TURN).until(() -> metrics.counter("nagatha.discord.bot.gateway.retries").count() >= 2);
        } finally {
            proxy.up();
        }
        List<FakeDiscord.Request> replies = awaitReplies(channel, 1);
        assertThat(replies.get(0).content()).isEqualTo("Hello from the fake model. You said: Are you there?");

        // Discord redelivers the message (a resumed session replays it): no second answer, no second turn.
        handler.onMessage(mention);
        handler.onMessage(message(channel, GUILD, id(), "second question", true));
        assertThat(awaitReplies(channel, 2)).extracting(FakeDiscord.Request::content).containsExactly(
                "Hello from the fake model. You said: Are you there?", "Hello from the fake model. You said: second question");
        // A bot restarted with an empty memory of ids (Discord replays only into a resumed session, so this is
        // rare) posts the reply again, but starts no second turn: Nagatha keys the turn by the message id.
        handler.close();
        handler = bot(2);
        handler.onMessage(mention);
        handler.onMessage(message(channel, GUILD, id(), "third question", true));
        awaitReplies(channel, 4);
        Http asUser = new Http(nagatha.gatewayUrl(), Map.of("Authorization", "Bearer " + nagatha.adminKey(),
                "X-Nagatha-Identity", "discord:" + author));
        String session = asUser.post("/api/v1/sessions", Map.of("interface", "discord")).body().get("id").asText();
        List<String> asked = asUser.get("/api/v1/sessions/" + session + "/messages").body().findValuesAsText("content").stream()
                .filter(c -> c.equals("Are you there?")).toList();
        assertThat(asked).as("one turn for the message, however often it came").hasSize(1);
    }

    private static List<FakeDiscord.Request> awaitReplies(String channel, int count) {
        String path = "/channels/" + channel + "/messages";
        List<FakeDiscord.Request> replies = await("replies in " + channel).atMost(TURN)
                .until(() -> discord.requests(r -> r.path().equals(path)), list -> list.size() >= count);
        assertThat(replies).hasSize(count);
        return replies;
    }

    private static InboundMessage message(String channel, String guild, String author, String content, boolean mention) {
        return new InboundMessage(id(), channel, guild, author, false, content, mention);
    }

    private static String id() {
        return String.valueOf(IDS.incrementAndGet());
    }
}
