package io.nagatha.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.cli.CliConfig;
import io.nagatha.cli.CliException;
import io.nagatha.cli.ExitCodes;
import io.nagatha.cli.client.Conversation;
import io.nagatha.cli.client.Gateway;
import io.nagatha.cli.client.ResumingSocket;
import io.nagatha.cli.term.EventPrinter;
import io.nagatha.cli.term.Spinner;
import io.nagatha.cli.term.WriterOutput;
import io.nagatha.contracts.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nagatha connect cli}: an interactive chat on the user's active session. */
@Command(name = "connect", description = "Attach an interface to your session: connect cli (an interactive chat).",
        mixinStandardHelpOptions = true, subcommands = ConnectCommand.Cli.class)
public final class ConnectCommand extends GroupCommand {

    /**
     * The chat: replies stream as they arrive, tool calls show as one line each, what is said on
     * other interfaces (Discord, the dashboard) shows with the interface's name. JLine gives line
     * editing and a history file; Ctrl-C stops waiting for the reply and cancels its turn, the
     * session stays; Ctrl-D or /quit leaves. A dropped socket reconnects and catches up.
     */
    @Command(name = "cli", description = "Chat with Nagatha in this terminal, on your active session.", mixinStandardHelpOptions = true)
    static final class Cli extends GatewayCommand {

        private static final int RECENT_MESSAGES = 6;
        private static final JsonNode FATAL = Json.MAPPER.createObjectNode().put("type", "cli.fatal");
        private static final EventPrinter.Outcome CANCELLED = new EventPrinter.Outcome(false, "cancelled", "cancelled here", null);

        @Option(names = "--session", paramLabel = "SESSION_ID", description = "This session instead of your active one.")
        String sessionId;

        @Option(names = "--new", description = "Start a new session.")
        boolean fresh;

        @Option(names = "--reconnect-attempts", paramLabel = "N", defaultValue = "0",
                description = "Reconnects in a row after the WebSocket drops before giving up; 0 (the default) for no limit.")
        int reconnectAttempts;

        @Option(names = "--history-size", paramLabel = "LINES", defaultValue = "1000",
                description = "Lines kept in the history file (default: ${DEFAULT-VALUE}).")
        int historySize;

        private final Set<String> mine = ConcurrentHashMap.newKeySet();
        private final Object sendLock = new Object();
        private volatile String current;
        private volatile CompletableFuture<EventPrinter.Outcome> done = CompletableFuture.completedFuture(null);
        private volatile CliException fatal;

        @Override
        int execute() {
            Conversation chat = Conversation.open(gateway(), sessionId, fresh);
            try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
                return chat(chat, terminal);
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot open the terminal: " + e.getMessage());
            }
        }

        private int chat(Conversation chat, Terminal terminal) {
            Path history = CliConfig.userConfigDir(System.getenv()).resolve("history");
            try {
                Files.createDirectories(history.getParent());
            } catch (IOException e) {
                // no history file then: line editing still works
            }
            LineReader reader = LineReaderBuilder.builder().appName("nagatha").terminal(terminal)
                    .variable(LineReader.HISTORY_FILE, history)
                    .variable(LineReader.HISTORY_SIZE, historySize)
                    .variable(LineReader.HISTORY_FILE_SIZE, historySize)
                    .build();
            Object lock = new Object();
            WriterOutput output = new WriterOutput(terminal.writer(), lock) {
                @Override
                protected void printLine(String text) {
                    reader.printAbove(text); // above the prompt while one is shown, so typing is not disturbed
                }
            };
            boolean tty = !Terminal.TYPE_DUMB.equals(terminal.getType()) && !Terminal.TYPE_DUMB_COLOR.equals(terminal.getType());
            BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
            ResumingSocket socket = new ResumingSocket(gateway(), chat.id(), Conversation.INTERFACE, reconnectAttempts, events::add, output::line,
                    e -> { fatal = e; events.add(FATAL); });
            JsonNode attached = socket.open();
            EventPrinter printer = new EventPrinter(output, mine::contains, true);
            Thread dispatcher = new Thread(() -> dispatch(events, printer, output, reader), "nagatha-events");
            dispatcher.setDaemon(true);
            terminal.handle(Terminal.Signal.INT, signal -> interrupt(chat));
            try {
                banner(chat, attached, output);
                dispatcher.start(); // after the banner: events that came meanwhile wait in the queue
                while (fatal == null) {
                    String line;
                    try {
                        line = reader.readLine("you> ");
                    } catch (UserInterruptException e) {
                        output.line("(Ctrl-D or /quit leaves the chat)");
                        continue;
                    } catch (EndOfFileException e) {
                        break;
                    }
                    String text = line.strip();
                    if (text.isEmpty()) {
                        continue;
                    }
                    if (text.equals("/quit") || text.equals("/exit")) {
                        break;
                    }
                    turn(chat, text, output, tty ? new Spinner(terminal.writer(), lock, "waiting for Nagatha") : null);
                }
            } finally {
                socket.close();
                dispatcher.interrupt();
            }
            if (fatal != null) {
                throw fatal;
            }
            output.line("Bye. The session stays; continue it with nagatha connect cli, in Discord or on the dashboard.");
            return ExitCodes.OK;
        }

        private void turn(Conversation chat, String text, WriterOutput output, Spinner spinner) {
            if (spinner != null) {
                output.spinner(spinner);
                spinner.start();
            }
            CompletableFuture<EventPrinter.Outcome> waiting = new CompletableFuture<>();
            try {
                // The dispatcher takes this lock for every event, so this turn's events wait until we know its id.
                synchronized (sendLock) {
                    String turnId = chat.send(text);
                    mine.add(turnId);
                    done = waiting;
                    current = turnId;
                }
                if (fatal != null) {
                    waiting.completeExceptionally(fatal); // the socket ended while the message was being sent
                }
                EventPrinter.Outcome outcome = waiting.get();
                if (outcome == CANCELLED) {
                    output.line("(cancelled)");
                }
            } catch (CliException e) {
                output.line("nagatha: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // only FATAL completes it that way; the loop ends on it
            } finally {
                current = null;
                output.endLine();
            }
        }

        private void dispatch(BlockingQueue<JsonNode> events, EventPrinter printer, WriterOutput output, LineReader reader) {
            try {
                while (true) {
                    JsonNode event = events.take();
                    if (event == FATAL) {
                        output.line("nagatha: " + fatal.getMessage());
                        done.completeExceptionally(fatal);
                        // readLine is waiting for a key: end it as Ctrl-D would
                        reader.getTerminal().raise(Terminal.Signal.INT);
                        return;
                    }
                    synchronized (sendLock) {
                        EventPrinter.Outcome outcome = printer.handle(event);
                        if (outcome != null && event.path("turnId").asText().equals(current)) {
                            done.complete(outcome);
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Ctrl-C while a reply is awaited: stop waiting and cancel the turn (the session stays). */
        private void interrupt(Conversation chat) {
            String turnId = current;
            if (turnId != null && done.complete(CANCELLED)) {
                Thread cancel = new Thread(() -> chat.cancel(turnId), "nagatha-cancel");
                cancel.setDaemon(true);
                cancel.start();
            }
        }

        private void banner(Conversation chat, JsonNode attached, WriterOutput output) {
            JsonNode session = attached.path("data").path("session");
            if (session.isMissingNode()) {
                session = chat.session();
            }
            String title = session.path("title").asText("");
            output.line("Nagatha - session " + chat.id() + (title.isEmpty() ? "" : " \"" + title + "\"") + ", attached: "
                    + SessionsCommand.interfaces(session));
            JsonNode recent = gateway().get("/api/v1/sessions/" + Gateway.segment(chat.id()) + "/messages?limit=" + RECENT_MESSAGES).path("items");
            for (JsonNode message : recent) {
                String role = message.path("role").asText();
                if (role.equals("user") || role.equals("assistant")) {
                    output.line("  [" + message.path("interface").asText("?") + "] " + (role.equals("user") ? "you" : "nagatha") + ": "
                            + message.path("content").asText(""));
                }
            }
            output.line("Type a message. Ctrl-C stops a reply, Ctrl-D or /quit leaves; /help lists Nagatha's commands.");
        }
    }
}
