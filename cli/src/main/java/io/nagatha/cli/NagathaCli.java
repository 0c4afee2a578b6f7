package io.nagatha.cli;

import io.nagatha.cli.client.Gateway;
import io.nagatha.cli.command.ChatCommand;
import io.nagatha.cli.command.ConnectCommand;
import io.nagatha.cli.command.KeysCommand;
import io.nagatha.cli.command.LinkCommand;
import io.nagatha.cli.command.McpCommand;
import io.nagatha.cli.command.MemoryCommand;
import io.nagatha.cli.command.ServerCommand;
import io.nagatha.cli.command.SessionsCommand;
import io.nagatha.cli.command.ToolsCommand;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code nagatha}: the terminal client of the gateway's public API. */
@Command(name = "nagatha", mixinStandardHelpOptions = true, versionProvider = NagathaCli.Version.class,
        description = "Talk to Nagatha and manage it from the terminal, through the gateway's public API.",
        footer = {"", "Key: --key, NAGATHA_API_KEY, or the credentials file ./nagatha up writes (docs/cli.md).",
                "Exit codes: 0 ok, 1 turn failed, 2 usage, 3 gateway unreachable,",
                "4 unauthorized/forbidden, 5 not found, 6 request refused, 7 rate limited,",
                "8 gateway/service error, 130 interrupted."},
        subcommands = {ServerCommand.class, ConnectCommand.class, ChatCommand.class, SessionsCommand.class, ToolsCommand.class,
                McpCommand.class, LinkCommand.class, KeysCommand.class, MemoryCommand.class, CommandLine.HelpCommand.class})
public final class NagathaCli {

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "The gateway (default: NAGATHA_URL, the credentials file's, or " + CliConfig.DEFAULT_URL + ").")
    String url;

    @Option(names = "--key", scope = ScopeType.INHERIT, paramLabel = "KEY",
            description = "The API key (default: NAGATHA_API_KEY, then the credentials file).")
    String key;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS", defaultValue = "30",
            description = "How long one request may take (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--connect-timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS", defaultValue = "5",
            description = "How long opening a connection to the gateway may take (default: ${DEFAULT-VALUE}).")
    int connectTimeoutSeconds;

    private Gateway gateway;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and answers its exit code. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new NagathaCli());
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof CliException failure) {
                commandLine.getErr().println("nagatha: " + failure.getMessage());
                return failure.exitCode();
            }
            commandLine.getErr().println("nagatha: unexpected error: " + e);
            return ExitCodes.SERVER_ERROR;
        });
        return cli.execute(args);
    }

    public CliConfig config() {
        if (timeoutSeconds < 1 || connectTimeoutSeconds < 1) {
            throw new CliException(ExitCodes.USAGE, "--timeout and --connect-timeout must be at least 1 second");
        }
        return CliConfig.resolve(url, key, Duration.ofSeconds(timeoutSeconds), Duration.ofSeconds(connectTimeoutSeconds), System.getenv());
    }

    public synchronized Gateway gateway() {
        if (gateway == null) {
            gateway = new Gateway(config());
        }
        return gateway;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = NagathaCli.class.getPackage().getImplementationVersion();
            return new String[] {"nagatha " + (version == null ? "(development build)" : version)};
        }
    }
}
