package io.nagatha.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.nagatha.cli.CliConfig;
import io.nagatha.cli.CliException;
import io.nagatha.cli.ExitCodes;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayTest {

    @Test
    void aProblemBecomesOneLineWithItsCodeAndTheExitCodeOfItsStatus() {
        CliException notFound = Gateway.problem(404, Gateway.parse(
                "{\"type\":\"https://nagatha.dev/problems/session_not_found\",\"title\":\"Session not found\",\"status\":404,"
                        + "\"detail\":\"No session s_1\",\"code\":\"session_not_found\"}"), null);
        assertThat(notFound.getMessage()).isEqualTo("Session not found: No session s_1 [session_not_found]");
        assertThat(notFound.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);

        CliException limited = Gateway.problem(429, Gateway.parse("{\"title\":\"Too many requests\",\"code\":\"rate_limited\",\"retryAfter\":7}"), null);
        assertThat(limited.getMessage()).contains("[rate_limited]", "retry in 7 s");
        assertThat(limited.exitCode()).isEqualTo(ExitCodes.RATE_LIMITED);

        assertThat(Gateway.problem(401, Gateway.parse("{\"title\":\"Unauthorized\",\"code\":\"unauthorized\"}"), null).getMessage())
                .contains("Check the key");
        CliException html = Gateway.problem(502, Gateway.parse("<html>bad gateway</html>"), "<html>bad gateway</html>");
        assertThat(html.getMessage()).isEqualTo("HTTP 502: <html>bad gateway</html>");
        assertThat(html.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(Gateway.problem(409, Gateway.parse("{\"title\":\"busy\"}"), null).exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(Gateway.problem(403, Gateway.parse("{}"), "{}").exitCode()).isEqualTo(ExitCodes.UNAUTHORIZED);
    }

    @Test
    void aRefusedConnectionSaysHowToStartNagatha() {
        CliException down = Gateway.unreachable(CliConfig.resolve("http://127.0.0.1:1", "k", Duration.ofSeconds(1), Duration.ofSeconds(1), Map.of()), new ConnectException());
        assertThat(down.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(down.getMessage()).contains("connection refused", "nagatha server start", "--url");
    }

    @Test
    void eventIdsOrderByTimeThenSequence() {
        assertThat(ResumingSocket.compare("1700000000000-1", "1700000000000-0")).isPositive();
        assertThat(ResumingSocket.compare("1700000000000-9", "1700000000001-0")).isNegative();
        assertThat(ResumingSocket.compare("5-5", "5-5")).isZero();
    }
}
