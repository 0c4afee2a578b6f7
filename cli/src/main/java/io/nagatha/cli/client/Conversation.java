package io.nagatha.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The calls a chat makes: find its session, send a message, cancel a turn. */
public final class Conversation {

    public static final String INTERFACE = "cli";
    private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(3);

    private final Gateway gateway;
    private final JsonNode session;

    private Conversation(Gateway gateway, JsonNode session) {
        this.gateway = gateway;
        this.session = session;
    }

    /** The session named by {@code sessionId}; else a new one ({@code fresh}); else the user's active one, or a new one. */
    public static Conversation open(Gateway gateway, String sessionId, boolean fresh) {
        if (sessionId != null) {
            return new Conversation(gateway, gateway.get("/api/v1/sessions/" + Gateway.segment(sessionId)));
        }
        return new Conversation(gateway, gateway.post("/api/v1/sessions", Map.of("interface", INTERFACE, "mode", fresh ? "new" : "continue")));
    }

    public JsonNode session() {
        return session;
    }

    public String id() {
        return session.path("id").asText();
    }

    /** Sends a message (202, the reply comes as events) and answers its turn id. */
    public String send(String content) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("content", content);
        body.put("interface", INTERFACE);
        // A retried POST (a timeout, a drop) starts no second turn.
        body.put("idempotencyKey", UUID.randomUUID().toString());
        return gateway.post("/api/v1/sessions/" + Gateway.segment(id()) + "/messages", body).path("turnId").asText();
    }

    /** Cancels a turn; a turn that already ended is no error here. */
    public void cancel(String turnId) {
        try {
            gateway.post("/api/v1/sessions/" + Gateway.segment(id()) + "/turns/" + Gateway.segment(turnId) + "/cancel", null, CANCEL_TIMEOUT);
        } catch (io.nagatha.cli.CliException e) {
            // 409 turn_finished: it ended meanwhile; anything else: the turn ends on its own
        }
    }
}
