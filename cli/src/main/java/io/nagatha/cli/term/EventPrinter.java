package io.nagatha.cli.term;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.EventTypes;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Renders a session's events for a person. The caller's own turns stream as their deltas arrive;
 * turns started on another interface show their message with that interface and their reply when
 * it is whole. Tool calls are one line each.
 */
public final class EventPrinter {

    private static final int MAX_ARGUMENTS = 120;

    /** How a turn ended, or {@code null} while it runs. */
    public record Outcome(boolean ok, String code, String message, JsonNode reply) {
    }

    private final Output out;
    private final Predicate<String> own;
    private final boolean showPresence;
    private final Map<String, Turn> turns = new HashMap<>();

    /** {@code own} says whether a turn id is one this client started (and so streams). */
    public EventPrinter(Output out, Predicate<String> own, boolean showPresence) {
        this.out = out;
        this.own = own;
        this.showPresence = showPresence;
    }

    private static final class Turn {
        String interfaceType = "?";
        final StringBuilder streamed = new StringBuilder();
        JsonNode reply;
    }

    /** Renders one event; answers the outcome when it ends a turn, else {@code null}. */
    public Outcome handle(JsonNode event) {
        String type = event.path("type").asText();
        String turnId = event.path("turnId").asText(null);
        JsonNode data = event.path("data");
        boolean mine = turnId != null && own.test(turnId);
        Turn turn = turnId == null ? null : turns.computeIfAbsent(turnId, id -> new Turn());
        if (turn == null && type.startsWith("turn.") || turn == null && (type.startsWith("message") || type.startsWith("tool."))) {
            return null; // a turn's event always names its turn; one that does not is not shown
        }
        switch (type) {
            case EventTypes.PRESENCE -> {
                if (showPresence) {
                    out.line("(attached now: " + join(data.path("interfaces")) + ")");
                }
            }
            case EventTypes.TURN_ACCEPTED -> {
                turn.interfaceType = data.path("interface").asText("?");
                if (!mine) {
                    out.line("[" + turn.interfaceType + "] you: " + data.path("content").asText());
                }
            }
            case EventTypes.TURN_STARTED -> {
                if (data.path("attempt").asInt(1) > 1 && turn.streamed.length() > 0) {
                    turn.streamed.setLength(0);
                    out.line("(the turn runs again from the start: " + data.path("reason").asText("its replica stopped") + ")");
                }
            }
            case EventTypes.MESSAGE_DELTA -> {
                String text = data.path("text").asText("");
                turn.streamed.append(text);
                if (mine) {
                    out.inline(text);
                }
            }
            case EventTypes.TOOL_CALL -> out.line(prefix(turn, mine) + "[tool] " + toolName(data) + " " + abbreviate(data.path("arguments").toString()));
            case EventTypes.TOOL_RESULT -> out.line(prefix(turn, mine) + "[tool] " + toolName(data) + " -> " + toolOutcome(data));
            case EventTypes.MESSAGE -> {
                JsonNode message = data.path("message");
                String content = message.path("content").asText("");
                turn.reply = message;
                if (mine) {
                    // Deltas may have been dropped for a slow client: the whole reply makes up the rest.
                    String shown = turn.streamed.toString();
                    if (content.startsWith(shown)) {
                        out.inline(content.substring(shown.length()));
                    } else {
                        out.line(content);
                    }
                } else {
                    out.line("[" + turn.interfaceType + "] nagatha: " + content);
                }
            }
            case EventTypes.TURN_COMPLETED -> {
                turns.remove(turnId);
                if (mine) {
                    out.endLine();
                }
                return new Outcome(true, null, null, turn.reply);
            }
            case EventTypes.TURN_FAILED -> {
                turns.remove(turnId);
                String code = data.path("code").asText("error");
                String message = data.path("message").asText("");
                if (mine || !"cancelled".equals(code)) {
                    out.line((mine ? "" : prefix(turn, false)) + "turn failed: " + message + " [" + code + "]");
                }
                return new Outcome(false, code, message, null);
            }
            case EventTypes.RESUME_GAP -> out.line("(some events were dropped while this client was away; the history has every message)");
            case EventTypes.SESSION_ENDED -> out.line("(the session has ended; start another with: nagatha sessions new)");
            default -> {
                // session.attached and types added later: nothing to show
            }
        }
        return null;
    }

    private static String prefix(Turn turn, boolean mine) {
        return mine || turn == null ? "  " : "[" + turn.interfaceType + "] ";
    }

    private static String toolName(JsonNode data) {
        String server = data.path("server").asText("");
        return server.isEmpty() ? data.path("tool").asText() : server + "/" + data.path("tool").asText();
    }

    private static String toolOutcome(JsonNode data) {
        String ms = data.has("ms") ? ", " + data.path("ms").asLong() + " ms" : "";
        if (data.hasNonNull("error")) {
            return "failed: " + data.path("error").path("message").asText() + " [" + data.path("error").path("code").asText() + "]" + ms;
        }
        boolean error = data.path("isError").asBoolean(false) || !data.path("ok").asBoolean(true);
        return (error ? "error" : "ok") + ms;
    }

    private static String join(JsonNode array) {
        StringBuilder joined = new StringBuilder();
        array.forEach(node -> joined.append(joined.length() == 0 ? "" : ", ").append(node.asText()));
        return joined.length() == 0 ? "none" : joined.toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_ARGUMENTS ? text : text.substring(0, MAX_ARGUMENTS - 3) + "...";
    }
}
