package io.nagatha.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliConfigTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    @Test
    void optionBeatsEnvironmentBeatsCredentialsFile() throws Exception {
        Files.writeString(home.resolve("credentials"), "# made by ./nagatha up\nNAGATHA_URL=http://127.0.0.1:9999\nNAGATHA_API_KEY=nag_admin_file\n");
        Map<String, String> env = Map.of("NAGATHA_HOME", home.toString());

        CliConfig fromFile = CliConfig.resolve(null, null, TIMEOUT, TIMEOUT, env);
        assertThat(fromFile.url()).isEqualTo("http://127.0.0.1:9999");
        assertThat(fromFile.key()).isEqualTo("nag_admin_file");
        assertThat(fromFile.keySource()).isEqualTo(home.resolve("credentials").toString());

        CliConfig fromEnv = CliConfig.resolve(null, null, TIMEOUT, TIMEOUT,
                Map.of("NAGATHA_HOME", home.toString(), "NAGATHA_API_KEY", "nag_env", "NAGATHA_URL", "http://gateway:8080/"));
        assertThat(fromEnv.key()).isEqualTo("nag_env");
        assertThat(fromEnv.url()).as("a trailing slash is dropped").isEqualTo("http://gateway:8080");

        CliConfig fromOptions = CliConfig.resolve("http://other:1", "nag_option", TIMEOUT, TIMEOUT, Map.of("NAGATHA_API_KEY", "nag_env"));
        assertThat(fromOptions.key()).isEqualTo("nag_option");
        assertThat(fromOptions.keySource()).isEqualTo("--key");
        assertThat(fromOptions.url()).isEqualTo("http://other:1");
    }

    @Test
    void theUserConfigDirectoryIsTheLastPlaceLookedAt() throws Exception {
        Path config = Files.createDirectories(home.resolve("xdg/nagatha"));
        Files.writeString(config.resolve("credentials"), "NAGATHA_API_KEY='nag_user'\n");
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", home.resolve("xdg").toString(), "NAGATHA_HOME", home.resolve("none").toString());

        assertThat(CliConfig.credentialFiles(env)).last().isEqualTo(config.resolve("credentials"));
        CliConfig resolved = CliConfig.resolve(null, null, TIMEOUT, TIMEOUT, env);
        assertThat(resolved.key()).as("quotes removed").isEqualTo("nag_user");
        assertThat(resolved.url()).isEqualTo(CliConfig.DEFAULT_URL);
    }

    @Test
    void noKeyAnywhereIsAnUnauthorizedErrorThatSaysWhereToPutOne() {
        CliConfig none = CliConfig.resolve(null, null, TIMEOUT, TIMEOUT, Map.of("NAGATHA_HOME", home.toString(), "XDG_CONFIG_HOME", home.toString()));
        assertThatThrownBy(none::key).isInstanceOf(CliException.class).hasMessageContaining("--key")
                .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCodes.UNAUTHORIZED));
    }
}
