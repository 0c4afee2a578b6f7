package io.nagatha.gateway.discord;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.nagatha.contracts.Caller;
import io.nagatha.contracts.CreateSessionRequest;
import io.nagatha.contracts.DiscordText;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.LinkRequest;
import io.nagatha.contracts.MemoryPut;
import io.nagatha.contracts.Page;
import io.nagatha.contracts.Session;
import io.nagatha.contracts.SessionResult;
import io.nagatha.contracts.UserIdentities;
import io.nagatha.gateway.auth.ApiKeyAuthenticator;
import io.nagatha.gateway.client.IdentityClient;
import io.nagatha.gateway.client.MemoryClient;
import io.nagatha.gateway.client.SessionClient;
import io.nagatha.gateway.client.SessionServiceException;
import io.nagatha.gateway.service.RateLimiter;
import io.nagatha.gateway.service.StatusService;
import io.nagatha.gateway.service.TurnService;
import io.nagatha.support.rest.ApiException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;
import org.jboss.logging.Logger;

/**
 * The slash commands. Each is deferred at once (Discord wants an answer within 3 s) and worked on
 * after the deferred answer has gone out; the result replaces the "thinking…" message. The person
 * acts as the identity {@code discord:<id>}, resolved the way an admin key with
 * {@code X-Nagatha-Identity} is, with that user's rights only.
 */
@ApplicationScoped
public class DiscordCommands {

    private static final Logger LOG = Logger.getLogger(DiscordCommands.class);
    /** The endpoint acts for Discord users the way an admin key with X-Nagatha-Identity does. */
    private static final Caller ADAPTER = new Caller("discord-interactions", true);
    static final String INTERFACE = "discord";
    private static final String AUTO_CHAT_SECTION = "user_preferences";

    private final ApiKeyAuthenticator authenticator;
    private final SessionClient sessions;
    private final IdentityClient identities;
    private final MemoryClient memory;
    private final TurnService turns;
    private final StatusService status;
    private final RateLimiter limiter;
    private final FollowUpClient followUps;
    private final DiscordConfig config;
    private final MeterRegistry metrics;
    private final Semaphore pending;

    DiscordCommands(ApiKeyAuthenticator authenticator, SessionClient sessions, IdentityClient identities, MemoryClient memory, TurnService turns,
            StatusService status, RateLimiter limiter, FollowUpClient followUps, DiscordConfig config, MeterRegistry metrics) {
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.identities = identities;
        this.memory = memory;
        this.turns = turns;
        this.status = status;
        this.limiter = limiter;
        this.followUps = followUps;
        this.config = config;
        this.metrics = metrics;
        this.pending = new Semaphore(config.maxPending());
        metrics.gauge("nagatha.discord.pending", pending, p -> config.maxPending() - p.availablePermits());
    }

    /**
     * A command taken on: the immediate answer, the work to start once that answer has been sent,
     * and what to do instead when it could not be sent.
     */
    record Accepted(Object response, Runnable afterResponse, Runnable abandoned) {

        static Accepted now(Object response) {
            return new Accepted(response, () -> { }, () -> { });
        }
    }

    /**
     * Decides the immediate answer to a verified command: deferred (private for everything but
     * {@code /ask}), or a private refusal when the person is over their request budget or this
     * replica is at its bound of commands in progress.
     */
    Accepted accept(Interaction interaction) {
        metrics.counter("nagatha.discord.interactions", "command", known(interaction.command())).increment();
        if (interaction.userId() == null || interaction.token() == null) {
            throw ApiException.invalid("an application command needs a user and a token");
        }
        // Keyed by the Discord user, so the refusal needs only Redis and stays within Discord's 3 s.
        var decision = limiter.take(interaction.identity(), RateLimiter.Budget.REQUESTS);
        if (decision.isPresent() && !decision.get().allowed()) {
            return Accepted.now(InteractionResponses.privateMessage("Slow down a little: try again in "
                    + decision.get().retryAfterSeconds() + " s."));
        }
        if (!pending.tryAcquire()) {
            return Accepted.now(InteractionResponses.privateMessage("Nagatha is very busy right now; try again in a minute."));
        }
        boolean ephemeral = !interaction.command().equals("ask");
        return new Accepted(InteractionResponses.deferred(ephemeral), () -> run(interaction, ephemeral), pending::release);
    }

    private void run(Interaction interaction, boolean ephemeral) {
        Uni.createFrom().deferred(() -> answer(interaction))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().recoverWithItem(DiscordCommands::describe)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .invoke(text -> deliver(interaction, text, ephemeral))
                .onTermination().invoke(pending::release)
                .subscribe().with(text -> { }, failure -> {
                    metrics.counter("nagatha.discord.followups.failed").increment();
                    LOG.warnf("the answer to /%s could not be sent to Discord: %s", interaction.command(), failure.toString());
                });
    }

    /** The answer's text; blocking calls run on a worker thread, a turn is awaited without one. */
    private Uni<String> answer(Interaction interaction) {
        Caller caller = authenticator.actAs(ADAPTER, interaction.identity());
        return switch (interaction.command()) {
            case "ask" -> ask(caller, interaction);
            case "link" -> Uni.createFrom().item(link(caller, interaction));
            case "session new" -> Uni.createFrom().item(newSession(caller));
            case "session status" -> Uni.createFrom().item(sessionStatus(caller));
            case "status" -> Uni.createFrom().item(status());
            case "auto-chat on", "auto-chat off", "auto-chat status" -> Uni.createFrom().item(autoChat(interaction));
            default -> Uni.createFrom().item("Nagatha does not know /" + interaction.command() + " here.");
        };
    }

    private Uni<String> ask(Caller caller, Interaction interaction) {
        String prompt = interaction.options().get("prompt");
        limiter.check(caller.userId(), RateLimiter.Budget.TURNS);
        SessionResult session = sessions.getOrCreate(new CreateSessionRequest(caller.userId(), INTERFACE,
                CreateSessionRequest.MODE_CONTINUE, null, null));
        // Keyed by the interaction, so a redelivered interaction starts no second turn.
        TurnService.Accepted turn = turns.accept(caller, session.session().id(), prompt, INTERFACE, "discord-" + interaction.id());
        return turns.awaitOutcome(session.session().id(), turn, config.askWait()).map(outcome -> outcome
                .map(o -> o.reply() != null ? o.reply().content()
                        : "Nagatha could not answer: " + o.errorMessage() + " (" + o.errorCode() + ")")
                .orElse("Still working on it after " + config.askWait().toMinutes()
                        + " minutes; the reply will be in your session's history (`/session status`)."));
    }

    private String link(Caller caller, Interaction interaction) {
        String code = interaction.options().get("code");
        // The identity is the caller's own (it was just resolved), so no admin right is needed to move it.
        UserIdentities linked = identities.link(caller, new LinkRequest(code, interaction.identity()));
        return "Linked. Your Discord account now speaks as Nagatha user `" + linked.userId()
                + "`: `/ask` continues the conversation you have elsewhere.";
    }

    private String newSession(Caller caller) {
        Session session = sessions.getOrCreate(new CreateSessionRequest(caller.userId(), INTERFACE,
                CreateSessionRequest.MODE_NEW, null, null)).session();
        return "Started a new session `" + session.id() + "`; `/ask` talks in it from now on, wherever you are.";
    }

    private String sessionStatus(Caller caller) {
        Page<Session> page = sessions.list(caller, "true", null, null, "1", null);
        if (page.items().isEmpty()) {
            return "You have no active session; `/ask` starts one.";
        }
        Session session = page.items().get(0);
        String interfaces = session.interfaces() == null || session.interfaces().isEmpty() ? "none"
                : session.interfaces().stream().map(i -> i.type()).collect(Collectors.joining(", "));
        return "Session `" + session.id() + "`" + (session.title() == null ? "" : " \u2014 " + session.title())
                + "\nMessages: " + session.messageCount() + "\nAttached: " + interfaces
                + "\nLast activity: " + session.lastActivity() + "\nExpires: " + session.expiresAt();
    }

    private String status() {
        StatusService.Status now = status.status();
        StringBuilder text = new StringBuilder("Nagatha is **" + now.status() + "** (version " + now.version() + ")\n");
        now.services().forEach((name, replicas) -> text.append(name).append(": ").append(replicas.size())
                .append(replicas.size() == 1 ? " replica\n" : " replicas\n"));
        text.append("Active sessions: ").append(now.sessions().active()).append('\n');
        for (Map.Entry<String, StatusService.Queue> queue : now.queues().entrySet()) {
            text.append("Queue ").append(queue.getKey()).append(": ").append(queue.getValue().length()).append(" (")
                    .append(queue.getValue().pending()).append(" running)\n");
        }
        text.append("MCP servers: ").append(now.mcp().servers());
        return text.toString();
    }

    /**
     * {@code /auto-chat}, when Discord sends commands here rather than to the bot: the setting is
     * written where the bot reads it — the memory of the bot's identity {@code discord-bot:<app id>}
     * (section {@code user_preferences}, key {@code auto-chat.<channel id>}).
     */
    private String autoChat(Interaction interaction) {
        String action = interaction.command().substring("auto-chat ".length());
        if (!action.equals("status") && !interaction.mayManageChannel()) {
            return "Turning auto-chat on or off here needs the Manage Channels permission.";
        }
        String applicationId = config.applicationId().orElse(interaction.applicationId());
        String owner = authenticator.actAs(ADAPTER, "discord-bot:" + applicationId).userId();
        String key = "auto-chat." + interaction.channelId();
        if (action.equals("status")) {
            JsonNode value;
            try {
                value = memory.get(owner, AUTO_CHAT_SECTION, key).value();
            } catch (ApiException notSet) {
                value = Json.object();
            }
            return "Auto-chat is " + (value.path("enabled").asBoolean(false) ? "on" : "off") + " here"
                    + (value.hasNonNull("by") ? " (set by <@" + value.path("by").asText() + "> at " + value.path("at").asText() + ")" : "")
                    + ".";
        }
        boolean on = action.equals("on");
        memory.put(owner, AUTO_CHAT_SECTION, key, new MemoryPut(Json.object().put("enabled", on).put("by", interaction.userId())
                .put("at", Instant.now().toString()), null));
        return on ? "Auto-chat is on: the bot answers every message in this channel (rate limited)."
                : "Auto-chat is off: the bot answers here only when mentioned.";
    }

    private void deliver(Interaction interaction, String text, boolean ephemeral) {
        List<String> parts = DiscordText.split(text);
        String applicationId = config.applicationId().orElse(interaction.applicationId());
        followUps.editOriginal(applicationId, interaction.token(), parts.isEmpty() ? "(empty reply)" : parts.get(0));
        for (String part : parts.subList(Math.min(1, parts.size()), parts.size())) {
            followUps.followUp(applicationId, interaction.token(), part, ephemeral);
        }
    }

    /** What the person reads when a command failed: the problem's detail, never a stack trace. */
    private static String describe(Throwable failure) {
        if (failure instanceof ApiException api) {
            String detail = api.problem().detail();
            return "Sorry: " + detail + (detail.endsWith(".") ? "" : ".");
        }
        if (failure instanceof FaultToleranceException || failure instanceof SessionServiceException
                || failure instanceof ProcessingException) {
            return "Nagatha's services are not answering right now; try again shortly.";
        }
        LOG.errorf(failure, "a Discord command failed");
        return "Something went wrong on Nagatha's side; try again shortly.";
    }

    private static String known(String command) {
        return switch (command) {
            case "ask", "link", "session new", "session status", "status", "auto-chat on", "auto-chat off", "auto-chat status" -> command;
            default -> "other";
        };
    }
}
