package io.nagatha.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * One event of a session, as WebSocket and SSE clients receive it. Its {@code id} is the id of
 * the entry on the session's event stream, so it is absent until the event has been written.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(String id, String type, String sessionId, String turnId, Instant at, JsonNode data) {

    /** Reads an event back from its stream entry. */
    public static Event decode(String streamEntryId, String json) {
        return Json.decode(json, Event.class).withId(streamEntryId);
    }

    public Event withId(String streamEntryId) {
        return new Event(streamEntryId, type, sessionId, turnId, at, data);
    }

    public static Event of(String type, String sessionId, String turnId, JsonNode data) {
        return new Event(null, type, sessionId, turnId, Instant.now(), data == null ? Json.object() : data);
    }

    public static Event sessionAttached(Session session) {
        return of(EventTypes.SESSION_ATTACHED, session.id(), null, Json.object().set("session", Json.tree(session)));
    }

    public static Event presence(String sessionId, List<String> interfaces) {
        ObjectNode data = Json.object();
        interfaces.forEach(data.putArray("interfaces")::add);
        return of(EventTypes.PRESENCE, sessionId, null, data);
    }

    public static Event turnAccepted(String sessionId, String turnId, String messageId, String interfaceType, String content) {
        return of(EventTypes.TURN_ACCEPTED, sessionId, turnId,
                Json.object().put("messageId", messageId).put("interface", interfaceType).put("content", content));
    }

    public static Event turnStarted(String sessionId, String turnId, int attempt) {
        return of(EventTypes.TURN_STARTED, sessionId, turnId, Json.object().put("attempt", attempt));
    }

    /** The model asked for a tool (or a {@code /call} command ran one): shown before the call is made. */
    public static Event toolCall(String sessionId, String turnId, MessageToolCall call) {
        ObjectNode data = Json.object().put("callId", call.callId()).put("server", call.server()).put("tool", call.tool());
        data.set("arguments", call.arguments());
        return of(EventTypes.TOOL_CALL, sessionId, turnId, data);
    }

    /**
     * What a tool call returned: {@code content} and {@code isError} as the server said, or, when
     * there was no answer from the server, {@code error: {code, message}}.
     */
    public static Event toolResult(String sessionId, String turnId, MessageToolCall call, ToolCallResult result) {
        ObjectNode data = Json.object().put("callId", call.callId()).put("server", call.server()).put("tool", call.tool())
                .put("ok", result.ok());
        if (result.ok()) {
            data.set("content", result.content());
            data.put("isError", Boolean.TRUE.equals(result.isError()));
        } else {
            data.putObject("error").put("code", result.code()).put("message", result.error());
        }
        data.put("ms", result.ms());
        return of(EventTypes.TOOL_RESULT, sessionId, turnId, data);
    }

    public static Event delta(String sessionId, String turnId, String text) {
        return of(EventTypes.MESSAGE_DELTA, sessionId, turnId, Json.object().put("text", text));
    }

    public static Event message(Message message, String sessionId) {
        return of(EventTypes.MESSAGE, sessionId, message.turnId(), Json.object().set("message", Json.tree(message)));
    }

    public static Event turnCompleted(String sessionId, String turnId, TurnUsage usage) {
        return of(EventTypes.TURN_COMPLETED, sessionId, turnId, Json.object().set("usage", Json.tree(usage)));
    }

    public static Event turnFailed(String sessionId, String turnId, String code, String message) {
        return of(EventTypes.TURN_FAILED, sessionId, turnId, Json.object().put("code", code).put("message", message));
    }

    public static Event resumeGap(String sessionId, String since, String oldest) {
        return of(EventTypes.RESUME_GAP, sessionId, null, Json.object().put("since", since).put("oldest", oldest));
    }

    public static Event sessionEnded(String sessionId) {
        return of(EventTypes.SESSION_ENDED, sessionId, null, Json.object());
    }
}
