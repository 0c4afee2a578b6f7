package io.nagatha.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.testing.SseClient;
import java.util.List;
import java.util.stream.Collectors;

/** What one SSE client saw of one turn. */
final class TurnEvents {

    private TurnEvents() {
    }

    /** The turn's events (the data of each SSE event), in the order received. */
    static List<JsonNode> of(SseClient sse, String turnId) {
        return sse.events().stream().map(SseClient.Received::data).filter(d -> turnId.equals(d.path("turnId").asText())).toList();
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.get("type").asText()).toList();
    }

    static long count(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.get("type").asText().equals(type)).count();
    }

    static boolean finished(SseClient sse, String turnId) {
        return types(of(sse, turnId)).stream().anyMatch(t -> t.equals("turn.completed") || t.equals("turn.failed"));
    }

    /** The text of the deltas, joined. */
    static String deltas(List<JsonNode> events) {
        return events.stream().filter(e -> e.get("type").asText().equals("message.delta"))
                .map(e -> e.at("/data/text").asText()).collect(Collectors.joining());
    }

    static JsonNode last(List<JsonNode> events) {
        return events.get(events.size() - 1);
    }

    static String sseUrl(String gatewayUrl, String session, String key) {
        return gatewayUrl + "/api/v1/sessions/" + session + "/events?access_token=" + key;
    }
}
