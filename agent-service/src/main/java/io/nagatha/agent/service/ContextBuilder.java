package io.nagatha.agent.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.openai.OpenAiTokenCountEstimator;
import io.nagatha.agent.config.AgentConfig;
import io.nagatha.agent.repository.TurnRepository;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.MessageToolCall;
import io.nagatha.contracts.TurnRequest;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Builds what the model reads for a turn: the system prompt (Nagatha's instructions and what the
 * user's memory holds), the session's recent history in chronological order, and the new message.
 * The whole is kept within {@code nagatha.agent.context.max-tokens}, counted with langchain4j's
 * tokenizer: the oldest turns go first, whole (a turn's tool calls never lose their results); the
 * system prompt and the new message are always sent.
 */
@Startup
@ApplicationScoped
public class ContextBuilder {

    private static final Logger LOG = Logger.getLogger(ContextBuilder.class);
    static final List<String> MEMORY_SECTIONS = List.of("user_preferences", "facts");

    private final TurnRepository turns;
    private final AgentConfig.Context config;
    private final TokenCountEstimator tokens;

    ContextBuilder(TurnRepository turns, AgentConfig config) {
        this.turns = turns;
        this.config = config.context();
        // Built once at start-up: loading the encodings takes about a second the first time.
        this.tokens = tokenizer(this.config.tokenizer());
    }

    /** The prompt, and how much history it holds. */
    public record Prompt(List<ChatMessage> messages, int historyTurns, int droppedTurns, int tokens) {
    }

    public Prompt build(TurnRequest turn) {
        SystemMessage system = SystemMessage.from(systemText(turn.userId()));
        UserMessage now = UserMessage.from(turn.content());
        int budget = config.maxTokens() - tokens.estimateTokenCountInMessages(List.of(system, now));
        List<List<ChatMessage>> history = turnsOf(turns.recentHistory(turn.sessionId(), config.historyMessages()), turn.turnId());
        List<List<ChatMessage>> kept = new ArrayList<>();
        int used = 0;
        for (int i = history.size() - 1; i >= 0; i--) {
            int cost = tokens.estimateTokenCountInMessages(history.get(i));
            if (used + cost > budget) {
                break;
            }
            used += cost;
            kept.add(history.get(i));
        }
        Collections.reverse(kept);
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(system);
        kept.forEach(messages::addAll);
        messages.add(now);
        if (kept.size() < history.size()) {
            LOG.debugf("turn %s: %d of %d earlier turns fit the context budget of %d tokens", turn.turnId(), kept.size(),
                    history.size(), config.maxTokens());
        }
        return new Prompt(messages, kept.size(), history.size() - kept.size(),
                config.maxTokens() - budget + used);
    }

    /** The number of tokens the tokenizer counts in {@code messages}. */
    public int count(List<ChatMessage> messages) {
        return tokens.estimateTokenCountInMessages(messages);
    }

    private String systemText(String userId) {
        StringBuilder text = new StringBuilder(config.systemPrompt().strip());
        StringBuilder memory = new StringBuilder();
        for (String section : MEMORY_SECTIONS) {
            List<TurnRepository.Remembered> entries = turns.memory(userId, section, config.memoryEntries());
            if (entries.isEmpty()) {
                continue;
            }
            memory.append('\n').append(section.equals("facts") ? "Facts" : "Preferences").append(":\n");
            for (TurnRepository.Remembered entry : entries) {
                memory.append("- ").append(entry.key()).append(": ").append(render(entry.value())).append('\n');
            }
        }
        if (!memory.isEmpty()) {
            text.append("\n\nWhat you know about this user from their saved memory (use it when it helps):").append(memory);
        }
        return text.toString().strip();
    }

    private String render(JsonNode value) {
        String text = value == null ? "" : value.isTextual() ? value.asText() : Json.encode(value);
        return text.length() <= config.memoryValueChars() ? text : text.substring(0, config.memoryValueChars()) + "…";
    }

    /**
     * History as the model's messages, one list per turn, oldest first. A reply that used tools
     * becomes the assistant's tool calls, their results, then its text, as in the turn itself.
     * Messages of the running turn (a re-run after a crash wrote none, but be safe) are left out.
     */
    static List<List<ChatMessage>> turnsOf(List<Message> history, String runningTurn) {
        List<List<ChatMessage>> groups = new ArrayList<>();
        List<Message> group = new ArrayList<>();
        String current = null;
        for (Message message : history) {
            if (Objects.equals(message.turnId(), runningTurn)) {
                continue;
            }
            if (!group.isEmpty() && !Objects.equals(message.turnId(), current)) {
                groups.add(toChat(group));
                group = new ArrayList<>();
            }
            current = message.turnId();
            group.add(message);
        }
        if (!group.isEmpty()) {
            groups.add(toChat(group));
        }
        groups.removeIf(List::isEmpty);
        return groups;
    }

    private static List<ChatMessage> toChat(List<Message> turn) {
        List<ChatMessage> out = new ArrayList<>();
        Map<String, String> results = new HashMap<>();
        for (Message m : turn) {
            if (Message.TOOL.equals(m.role()) && m.callId() != null) {
                results.put(m.callId(), m.content());
            }
        }
        for (Message m : turn) {
            if (Message.USER.equals(m.role())) {
                out.add(UserMessage.from(m.content()));
            } else if (Message.ASSISTANT.equals(m.role())) {
                if (m.toolCalls() != null && !m.toolCalls().isEmpty()) {
                    List<ToolExecutionRequest> requests = new ArrayList<>();
                    for (MessageToolCall call : m.toolCalls()) {
                        requests.add(ToolExecutionRequest.builder().id(call.callId())
                                .name(Toolbox.modelName(call.server(), call.tool()))
                                .arguments(call.arguments() == null ? "{}" : Json.encode(call.arguments())).build());
                    }
                    out.add(AiMessage.from(requests));
                    for (ToolExecutionRequest request : requests) {
                        out.add(ToolExecutionResultMessage.from(request,
                                results.getOrDefault(request.id(), "(no result was recorded)")));
                    }
                }
                if (m.content() != null && !m.content().isEmpty()) {
                    out.add(AiMessage.from(m.content()));
                }
            }
        }
        return out;
    }

    private static TokenCountEstimator tokenizer(String model) {
        try {
            return new OpenAiTokenCountEstimator(model);
        } catch (IllegalArgumentException unknown) {
            LOG.warnf("tokenizer '%s' is unknown (nagatha.agent.context.tokenizer); counting with gpt-4o's", model);
            return new OpenAiTokenCountEstimator("gpt-4o");
        }
    }
}
