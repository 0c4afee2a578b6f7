package io.nagatha.agent.service;

import io.nagatha.agent.client.LlmClient;
import io.nagatha.contracts.ToolInfo;
import io.nagatha.contracts.TurnRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Commands answered without a model, so Nagatha is useful with no LLM at all: {@code /help},
 * {@code /tools} and {@code /call <server> <tool> <json-arguments>}. Only a message that starts
 * with one of these words is a command; anything else (also {@code /etc/hosts?}) goes to the model.
 */
@ApplicationScoped
public class Commands {

    private static final Pattern CALL = Pattern.compile("(?s)/call\\s+(\\S+)\\s+(\\S+)(?:\\s+(.*))?");
    private static final int MAX_LISTED = 200;

    private final Toolbox toolbox;
    private final ToolCalls toolCalls;
    private final LlmClient llm;

    Commands(Toolbox toolbox, ToolCalls toolCalls, LlmClient llm) {
        this.toolbox = toolbox;
        this.toolCalls = toolCalls;
        this.llm = llm;
    }

    /** What a command produced: the reply and the tool calls it made. */
    record Result(String text, List<ToolCalls.Done> calls) {
    }

    static boolean isCommand(String content) {
        String word = firstWord(content);
        return word.equals("/help") || word.equals("/tools") || word.equals("/call");
    }

    Result run(TurnWriter out, Instant deadline) {
        TurnRequest turn = out.turn();
        String content = turn.content().strip();
        return switch (firstWord(content)) {
            case "/help" -> new Result(help(), List.of());
            case "/tools" -> new Result(tools(turn.userId()), List.of());
            default -> call(out, content, deadline);
        };
    }

    private String help() {
        String model = llm.configured() ? "Messages that are not commands go to the language model (" + llm.modelName() + ")."
                : "No language model is configured, so other messages are answered with instructions for configuring one.";
        return """
                Commands (answered directly, without the language model):
                  /help                                  this list
                  /tools                                 the tools you can use, as server/tool
                  /call <server> <tool> <json-arguments> runs one tool, e.g. /call everything echo {"message":"hi"}
                """ + model;
    }

    private String tools(String userId) {
        List<ToolInfo> allowed = toolbox.allowed(userId);
        if (allowed.isEmpty()) {
            return "No tools are available to you. An operator adds MCP servers to the pool's mcpServers file "
                    + "(see docs/mcp-config.md).";
        }
        StringBuilder text = new StringBuilder("Tools you can use (" + allowed.size() + "):\n");
        allowed.stream().limit(MAX_LISTED).forEach(t -> text.append("- ").append(t.qualifiedName())
                .append(t.description() == null || t.description().isBlank() ? "" : " — " + t.description().strip())
                .append('\n'));
        if (allowed.size() > MAX_LISTED) {
            text.append("… and ").append(allowed.size() - MAX_LISTED).append(" more.\n");
        }
        return text.append("Run one with /call <server> <tool> <json-arguments>.").toString();
    }

    private Result call(TurnWriter out, String content, Instant deadline) {
        Matcher m = CALL.matcher(content);
        if (!m.matches()) {
            return new Result("Usage: /call <server> <tool> <json-arguments>, e.g. /call everything echo {\"message\":\"hi\"}",
                    List.of());
        }
        String server = m.group(1);
        String tool = m.group(2);
        String arguments = m.group(3) == null || m.group(3).isBlank() ? "{}" : m.group(3).strip();
        TurnRequest turn = out.turn();
        boolean known = toolbox.allowed(turn.userId()).stream().anyMatch(t -> t.server().equals(server) && t.name().equals(tool));
        ToolCalls.Planned planned = known ? new ToolCalls.Planned(server, tool, server + "/" + tool, arguments)
                : new ToolCalls.Planned(null, null, server + "/" + tool, arguments);
        ToolCalls.Done done = toolCalls.run(out, List.of(planned), deadline).get(0);
        String verdict = done.result().ok()
                ? (Boolean.TRUE.equals(done.result().isError()) ? " reported an error" : " answered")
                : " failed";
        return new Result(server + "/" + tool + verdict + " (" + done.result().ms() + " ms):\n" + done.text(), List.of(done));
    }

    private static String firstWord(String content) {
        String trimmed = content == null ? "" : content.strip();
        int end = 0;
        while (end < trimmed.length() && !Character.isWhitespace(trimmed.charAt(end))) {
            end++;
        }
        return trimmed.substring(0, end).toLowerCase(Locale.ROOT);
    }
}
