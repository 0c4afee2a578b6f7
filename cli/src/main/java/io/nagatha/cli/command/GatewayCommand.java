package io.nagatha.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.cli.CliException;
import io.nagatha.cli.ExitCodes;
import io.nagatha.cli.NagathaCli;
import io.nagatha.cli.client.Gateway;
import io.nagatha.cli.term.Table;
import io.nagatha.contracts.Json;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A command that talks to the gateway; {@link #execute()} answers the exit code. */
abstract class GatewayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        return execute();
    }

    abstract int execute();

    NagathaCli root() {
        return (NagathaCli) spec.root().userObject();
    }

    Gateway gateway() {
        return root().gateway();
    }

    PrintStream out() {
        return System.out;
    }

    void printJson(JsonNode json) {
        try {
            out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        } catch (JsonProcessingException e) {
            throw new CliException(ExitCodes.SERVER_ERROR, "cannot print the answer: " + e.getOriginalMessage());
        }
    }

    /** With --json the answer as it came, else the table ({@code whenEmpty} instead when it has no rows). */
    int print(JsonOption output, JsonNode answer, Supplier<Table> table, String whenEmpty) {
        if (output.json) {
            printJson(answer);
            return ExitCodes.OK;
        }
        Table rows = table.get();
        if (rows.isEmpty() && whenEmpty != null) {
            out().println(whenEmpty);
        } else {
            rows.print(out());
        }
        return ExitCodes.OK;
    }

    /** With --json the answer as it came, else {@code text}. */
    int print(JsonOption output, JsonNode answer, Supplier<String> text) {
        if (output.json) {
            printJson(answer);
        } else {
            out().println(text.get());
        }
        return ExitCodes.OK;
    }

    /** "3 min ago" for an ISO-8601 time; the text itself when it is not one. */
    static String ago(JsonNode time) {
        if (time == null || time.isNull() || time.isMissingNode()) {
            return "";
        }
        try {
            Duration age = Duration.between(Instant.parse(time.asText()), Instant.now());
            if (age.isNegative()) {
                return "in " + human(age.negated());
            }
            return human(age) + " ago";
        } catch (DateTimeParseException e) {
            return time.asText();
        }
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min";
        }
        if (s < 86_400) {
            return s / 3600 + " h";
        }
        return s / 86_400 + " d";
    }

    /** The {@code --json} switch of the commands that print data. */
    static final class JsonOption {
        @Option(names = "--json", description = "Print the gateway's JSON instead of a table (for scripts).")
        boolean json;
    }
}
