package io.nagatha.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nagatha.cli.CliException;
import io.nagatha.cli.ExitCodes;
import io.nagatha.cli.client.Conversation;
import io.nagatha.cli.client.ResumingSocket;
import io.nagatha.cli.term.EventPrinter;
import io.nagatha.cli.term.Output;
import io.nagatha.cli.term.Spinner;
import io.nagatha.cli.term.WriterOutput;
import io.nagatha.contracts.Json;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nagatha chat "message"}: one message to the active session; the reply streams to stdout
 * and the exit code says whether the turn succeeded. Ctrl-C cancels the turn.
 */
@Command(name = "chat", description = "Send one message to your session and stream the reply (exit 0 when the turn succeeds).",
        mixinStandardHelpOptions = true)
public final class ChatCommand extends GatewayCommand {

    @Parameters(arity = "1..*", paramLabel = "MESSAGE", description = "The message (several words are joined with spaces).")
    List<String> words;

    @Option(names = "--session", paramLabel = "SESSION_ID", description = "This session instead of your active one.")
    String sessionId;

    @Option(names = "--new", description = "Start a new session for this message.")
    boolean fresh;

    @Option(names = "--json", description = "Print the reply message as JSON when the turn ends, instead of streaming it.")
    boolean json;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "300", description = "Give up waiting for the reply after this long (default: ${DEFAULT-VALUE}); the turn goes on.")
    int waitSeconds;

    @Option(names = "--reconnect-attempts", paramLabel = "N", defaultValue = "5",
            description = "Reconnects in a row after the WebSocket drops before giving up, 0 for no limit (default: ${DEFAULT-VALUE}).")
    int reconnectAttempts;

    /** A marker the socket's failure puts on the queue so the wait ends at once. */
    private static final JsonNode FATAL = Json.MAPPER.createObjectNode().put("type", "cli.fatal");

    @Override
    int execute() {
        Conversation chat = Conversation.open(gateway(), sessionId, fresh);
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        AtomicReference<CliException> fatal = new AtomicReference<>();
        Object lock = new Object();
        PrintWriter stderr = new PrintWriter(System.err, true, Charset.defaultCharset());
        WriterOutput output = new WriterOutput(new PrintWriter(System.out, true, Charset.defaultCharset()), lock);
        ResumingSocket socket = new ResumingSocket(gateway(), chat.id(), Conversation.INTERFACE, reconnectAttempts, events::add,
                notice -> { output.endLine(); stderr.println(notice); }, e -> { fatal.set(e); events.add(FATAL); });
        socket.open();
        AtomicReference<String> turn = new AtomicReference<>();
        AtomicReference<EventPrinter.Outcome> outcome = new AtomicReference<>();
        Thread cancelOnInterrupt = new Thread(() -> {
            if (turn.get() != null && outcome.get() == null) {
                chat.cancel(turn.get());
                stderr.println();
                stderr.println("nagatha: cancelled");
            }
        }, "nagatha-cancel");
        Runtime.getRuntime().addShutdownHook(cancelOnInterrupt);
        try {
            if (!json && System.console() != null) {
                Spinner spinner = new Spinner(stderr, lock, "waiting for Nagatha");
                output.spinner(spinner);
                spinner.start();
            }
            turn.set(chat.send(String.join(" ", words)));
            EventPrinter printer = new EventPrinter(json ? quiet() : output, id -> id.equals(turn.get()), false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
            while (outcome.get() == null) {
                JsonNode event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (event == null) {
                    output.endLine();
                    throw new CliException(ExitCodes.TURN_FAILED, "no reply within " + waitSeconds + " s (turn " + turn.get()
                            + " goes on; see it with: nagatha sessions show " + chat.id() + ")");
                }
                if (event == FATAL) {
                    output.endLine();
                    throw fatal.get();
                }
                if (turn.get().equals(event.path("turnId").asText())) {
                    EventPrinter.Outcome end = printer.handle(event);
                    if (end != null) {
                        outcome.set(end);
                    }
                }
            }
            EventPrinter.Outcome end = outcome.get();
            if (json) {
                ObjectNode result = Json.MAPPER.createObjectNode();
                result.put("sessionId", chat.id()).put("turnId", turn.get()).put("ok", end.ok());
                if (end.ok()) {
                    result.set("reply", end.reply());
                } else {
                    result.putObject("error").put("code", end.code()).put("message", end.message());
                }
                printJson(result);
            }
            return end.ok() ? ExitCodes.OK : ExitCodes.TURN_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.INTERRUPTED;
        } finally {
            output.endLine();
            try {
                Runtime.getRuntime().removeShutdownHook(cancelOnInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: Ctrl-C
            }
            socket.close();
        }
    }

    private static Output quiet() {
        return new Output() {
            @Override
            public void inline(String text) {
            }

            @Override
            public void line(String text) {
            }

            @Override
            public void endLine() {
            }
        };
    }
}
