package io.nagatha.agent.service;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nagatha.agent.client.LlmClient;
import io.nagatha.agent.client.LlmFailure;
import io.nagatha.agent.client.LlmStream;
import io.nagatha.agent.config.AgentConfig;
import io.nagatha.agent.repository.Lease;
import io.nagatha.agent.repository.TurnRepository;
import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.MessageToolCall;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.contracts.TurnUsage;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;

/**
 * Runs one turn for the holder of its session's lease: a command, the "no model" reply, or a
 * conversation with the model through as many rounds of tool calls as it needs (up to
 * {@code nagatha.agent.tools.max-rounds}), streaming the reply as deltas. The outcome is written
 * once: {@code message} and {@code turn.completed}, or {@code turn.failed} with a stable code. A
 * Redis failure or a lost lease propagates instead, so the turn stays on the stream and runs again.
 */
@ApplicationScoped
public class TurnRunner {

    static final String NO_MODEL_REPLY = """
            I can't answer yet: no language model is configured for Nagatha.

            To connect one, set these three variables and restart (./nagatha down, then ./nagatha up):
              NAGATHA_LLM_BASE_URL  an OpenAI-compatible API, for example https://api.openai.com/v1 for OpenAI, \
            http://127.0.0.1:11434/v1 for Ollama, or your vLLM or LiteLLM server's /v1 address
              NAGATHA_LLM_MODEL     the model's name, for example gpt-4o-mini or llama3.1
              NAGATHA_LLM_API_KEY   your API key (servers that need none accept any text)
            In Kubernetes, set nagatha.llm.base-url, nagatha.llm.model and nagatha.llm.api-key in the agent's \
            configuration instead.
            Meanwhile /help, /tools and /call work without a model.""";

    private static final Logger LOG = Logger.getLogger(TurnRunner.class);

    private final TurnRepository turns;
    private final LlmClient llm;
    private final ContextBuilder context;
    private final Toolbox toolbox;
    private final ToolCalls toolCalls;
    private final Commands commands;
    private final AgentConfig config;
    private final MeterRegistry metrics;
    private final DistributionSummary toolCallsPerTurn;

    TurnRunner(TurnRepository turns, LlmClient llm, ContextBuilder context, Toolbox toolbox, ToolCalls toolCalls,
            Commands commands, AgentConfig config, MeterRegistry metrics) {
        this.turns = turns;
        this.llm = llm;
        this.context = context;
        this.toolbox = toolbox;
        this.toolCalls = toolCalls;
        this.commands = commands;
        this.config = config;
        this.metrics = metrics;
        this.toolCallsPerTurn = DistributionSummary.builder("turn.tool.calls")
                .description("Tool calls one turn made").publishPercentileHistogram().register(metrics);
    }

    /** What a turn produced so far; kept when it fails, for its usage. */
    private static final class Progress {
        final StringBuilder text = new StringBuilder();
        final List<ToolCalls.Done> calls = new ArrayList<>();
        long promptTokens;
        long completionTokens;
        int rounds;
    }

    /** Runs the turn and writes its outcome; throws {@link LeaseLost} when another worker took the session over. */
    public void run(Lease lease, TurnRequest turn) {
        Instant started = Instant.now();
        Instant deadline = started.plus(config.turnTimeout());
        TurnWriter out = new TurnWriter(turns, lease, turn);
        Progress progress = new Progress();
        String outcome;
        try {
            if (Commands.isCommand(turn.content())) {
                Commands.Result result = commands.run(out, deadline);
                progress.calls.addAll(result.calls());
                out.delta(result.text());
                progress.text.append(result.text());
            } else if (!llm.configured()) {
                out.delta(NO_MODEL_REPLY);
                progress.text.append(NO_MODEL_REPLY);
            } else {
                converse(out, progress, deadline);
            }
            complete(lease, turn, progress, started);
            outcome = TurnRepository.COMPLETED;
        } catch (TurnFailure failure) {
            LOG.infof("turn %s of session %s failed: %s (%s)", turn.turnId(), turn.sessionId(), failure.getMessage(),
                    failure.code());
            fail(lease, turn, failure.code(), failure.getMessage(), progress, started);
            outcome = failure.code();
        } catch (TurnStopped stopped) {
            LOG.infof("turn %s of session %s stopped: %s", turn.turnId(), turn.sessionId(), stopped.code());
            fail(lease, turn, stopped.code(), stopMessage(stopped.code()), progress, started);
            outcome = stopped.code();
        }
        record(outcome, started, progress);
    }

    /** Ends a turn that had begun when its replica stopped and was then asked to stop. */
    public void end(Lease lease, TurnRequest turn, String code) {
        Instant now = Instant.now();
        fail(lease, turn, code, stopMessage(code), new Progress(), now);
        record(code, now, new Progress());
    }

    /** Ends a turn whose runs never finished (each time its replica died) instead of starting it again. */
    public void giveUp(Lease lease, TurnRequest turn, int attempts) {
        Instant now = Instant.now();
        LOG.errorf("turn %s of session %s was started %d times and never finished; giving it up", turn.turnId(),
                turn.sessionId(), attempts);
        fail(lease, turn, ErrorCodes.INTERNAL_ERROR, "this turn was started " + attempts
                + " times and never finished (the replicas running it stopped); it is given up", new Progress(), now);
        record(ErrorCodes.INTERNAL_ERROR, now, new Progress());
    }

    private void converse(TurnWriter out, Progress progress, Instant deadline) {
        TurnRequest turn = out.turn();
        List<ChatMessage> messages = new ArrayList<>(context.build(turn).messages());
        Toolbox.Tools tools = toolbox.forUser(turn.userId());
        while (true) {
            boolean mayCallTools = !tools.byModelName().isEmpty() && progress.rounds < config.tools().maxRounds();
            ChatResponse response = ask(out, messages, tools, mayCallTools, progress, deadline);
            AiMessage answer = response.aiMessage();
            if (!mayCallTools || answer == null || !answer.hasToolExecutionRequests()) {
                return;
            }
            progress.rounds++;
            messages.add(answer);
            List<ToolCalls.Planned> planned = new ArrayList<>();
            for (ToolExecutionRequest request : answer.toolExecutionRequests()) {
                planned.add(tools.find(request.name())
                        .map(t -> new ToolCalls.Planned(t.server(), t.tool(), request.name(), request.arguments()))
                        .orElse(new ToolCalls.Planned(null, null, request.name(), request.arguments())));
            }
            List<ToolCalls.Done> done = toolCalls.run(out, planned, deadline);
            for (int i = 0; i < done.size(); i++) {
                ToolExecutionRequest request = answer.toolExecutionRequests().get(i);
                messages.add(ToolExecutionResultMessage.from(request, done.get(i).text()));
            }
            progress.calls.addAll(done);
            out.check(); // the tool boundary: an interrupt or cancel takes effect here
        }
    }

    /** One round with the model: streams its text as deltas and returns the whole answer. */
    private ChatResponse ask(TurnWriter out, List<ChatMessage> messages, Toolbox.Tools tools, boolean mayCallTools,
            Progress progress, Instant deadline) {
        DeltaPump pump = new DeltaPump();
        LlmStream stream = llm.stream(messages, tools.specifications(), mayCallTools, pump::offer, deadline);
        boolean[] first = {true};
        try {
            pump.pumpUntil(stream.result(), text -> {
                // Text of a later round continues the reply after a paragraph break, in the deltas and the message alike.
                String piece = first[0] && !progress.text.isEmpty() ? "\n\n" + text : text;
                first[0] = false;
                out.delta(piece);
                progress.text.append(piece);
            }, out::check, config.stopCheck());
        } catch (InterruptedException e) {
            // The replica is stopping: leave the turn unfinished so that another replica runs it.
            Thread.currentThread().interrupt();
            stream.cancel();
            throw new IllegalStateException("stopped while turn " + out.turn().turnId() + " ran", e);
        } catch (RuntimeException stopOrLost) {
            stream.cancel(); // closes the HTTP request: the model stops generating at once
            throw stopOrLost;
        }
        ChatResponse response;
        try {
            response = stream.result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof LlmFailure failure) {
                throw new TurnFailure(failure.code(), failure.getMessage());
            }
            throw new TurnFailure(ErrorCodes.UPSTREAM_ERROR, "the language model failed: " + e.getCause());
        } catch (CancellationException e) {
            throw new TurnFailure(ErrorCodes.UPSTREAM_ERROR, "the model call was cancelled");
        }
        TokenUsage usage = response.tokenUsage();
        if (usage != null) {
            progress.promptTokens += usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
            progress.completionTokens += usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
        }
        return response;
    }

    private void complete(Lease lease, TurnRequest turn, Progress progress, Instant started) {
        TurnUsage usage = usage(progress, started);
        List<MessageToolCall> calls = progress.calls.stream().map(ToolCalls.Done::call).toList();
        Message answer = new Message(Ids.message(), Message.ASSISTANT, progress.text.toString(), turn.interfaceType(),
                turn.turnId(), Instant.now(), calls.isEmpty() ? null : calls, null);
        List<Message> history = new ArrayList<>();
        history.add(turn.userMessage());
        progress.calls.forEach(done -> history.add(done.asMessage(turn)));
        history.add(answer);
        written(lease, turn, turns.finish(lease, turn, TurnRepository.COMPLETED, null, history,
                List.of(Event.message(answer, turn.sessionId()), Event.turnCompleted(turn.sessionId(), turn.turnId(), usage)),
                usage), usage);
    }

    /** The user's message stays in history; no assistant reply is invented. */
    private void fail(Lease lease, TurnRequest turn, String code, String message, Progress progress, Instant started) {
        TurnUsage usage = usage(progress, started);
        written(lease, turn, turns.finish(lease, turn, TurnRepository.FAILED, code, List.of(turn.userMessage()),
                List.of(Event.turnFailed(turn.sessionId(), turn.turnId(), code, message)), usage), usage);
    }

    private void written(Lease lease, TurnRequest turn, TurnRepository.Finish finish, TurnUsage usage) {
        switch (finish) {
            case WRITTEN -> turns.countForUser(turn.userId(), usage);
            case ALREADY_FINISHED -> LOG.debugf("turn %s had already finished: nothing written", turn.turnId());
            case LOST -> throw new LeaseLost(lease.toString());
        }
    }

    private void record(String outcome, Instant started, Progress progress) {
        Timer.builder("turn.duration").description("Turns from start to final event").tag("outcome", outcome)
                .publishPercentileHistogram().register(metrics).record(Duration.between(started, Instant.now()));
        metrics.counter("turns", "outcome", outcome).increment();
        metrics.counter("llm.tokens", "kind", "prompt").increment(progress.promptTokens);
        metrics.counter("llm.tokens", "kind", "completion").increment(progress.completionTokens);
        toolCallsPerTurn.record(progress.calls.size());
    }

    private static TurnUsage usage(Progress progress, Instant started) {
        return new TurnUsage(progress.promptTokens, progress.completionTokens, progress.calls.size(),
                Duration.between(started, Instant.now()).toMillis());
    }

    private static String stopMessage(String code) {
        return ErrorCodes.INTERRUPTED.equals(code) ? "interrupted: a newer message arrived while this turn ran"
                : "cancelled while it ran";
    }
}
