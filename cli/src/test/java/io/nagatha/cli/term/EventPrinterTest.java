package io.nagatha.cli.term;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventPrinterTest {

    private final StringWriter screen = new StringWriter();
    private final EventPrinter printer = new EventPrinter(new WriterOutput(new PrintWriter(screen), new Object()), "t_mine"::equals, true);

    private static JsonNode event(String type, String turnId, Map<String, ?> data) {
        return Json.MAPPER.valueToTree(Map.of("id", "1-0", "type", type, "turnId", turnId, "data", data));
    }

    @Test
    void ownRepliesStreamAndToolCallsAreOneLineEach() {
        printer.handle(event("turn.accepted", "t_mine", Map.of("interface", "cli", "content", "hi")));
        printer.handle(event("message.delta", "t_mine", Map.of("text", "Hel")));
        assertThat(screen.toString()).isEqualTo("Hel");
        printer.handle(event("tool.call", "t_mine", Map.of("server", "everything", "tool", "echo", "arguments", Map.of("message", "x"))));
        printer.handle(event("tool.result", "t_mine", Map.of("server", "everything", "tool", "echo", "ok", true, "ms", 12)));
        printer.handle(event("message.delta", "t_mine", Map.of("text", "lo")));
        // A slow client may lose deltas: the whole message fills in what did not arrive.
        EventPrinter.Outcome none = printer.handle(event("message", "t_mine", Map.of("message", Map.of("content", "Hello there"))));
        EventPrinter.Outcome done = printer.handle(event("turn.completed", "t_mine", Map.of("usage", Map.of())));

        assertThat(none).isNull();
        assertThat(done.ok()).isTrue();
        assertThat(done.reply().path("content").asText()).isEqualTo("Hello there");
        assertThat(screen.toString()).isEqualTo("Hel\n  [tool] everything/echo {\"message\":\"x\"}\n  [tool] everything/echo -> ok, 12 ms\n"
                + "lo there\n");
    }

    @Test
    void otherInterfacesShowWithTheirNameAndWholeReplies() {
        printer.handle(event("turn.accepted", "t_other", Map.of("interface", "discord", "content", "from my phone")));
        printer.handle(event("message.delta", "t_other", Map.of("text", "Par")));
        printer.handle(event("message", "t_other", Map.of("message", Map.of("content", "Partial no more"))));
        printer.handle(event("turn.completed", "t_other", Map.of()));
        EventPrinter.Outcome failed = printer.handle(event("turn.failed", "t_x", Map.of("code", "upstream_error", "message", "model down")));

        assertThat(failed.ok()).isFalse();
        assertThat(failed.code()).isEqualTo("upstream_error");
        assertThat(screen.toString()).isEqualTo("[discord] you: from my phone\n[discord] nagatha: Partial no more\n"
                + "[?] turn failed: model down [upstream_error]\n");
    }
}
