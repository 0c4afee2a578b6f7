package io.nagatha.discordbot;

import static org.assertj.core.api.Assertions.assertThat;

import io.nagatha.testing.FakeDiscord;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code nagatha discord register} as a user runs it: the application's main with the token and
 * application id from config, against a fake Discord that answers the way Discord does.
 */
@QuarkusMainTest
@WithTestResource(RegisterTest.Discord.class)
class RegisterTest {

    /** A fake Discord for the launched application; what it received is read back through the output. */
    public static class Discord implements QuarkusTestResourceLifecycleManager {
        private FakeDiscord fake;

        @Override
        public Map<String, String> start() {
            fake = FakeDiscord.start();
            return Map.of("nagatha.discord.api-base", fake.apiBase(), "nagatha.discord.bot-token", "bot-token",
                    "nagatha.discord.application-id", "1100000000000000001");
        }

        @Override
        public void stop() {
            fake.close();
        }
    }

    @Test
    @Launch({"register", "--guild", "770000000000000001"})
    void registersTheFiveCommandsInAGuild(LaunchResult result) {
        assertThat(result.getOutputStream()).contains(
                "Registered 5 commands in guild 770000000000000001: /ask /link /session /status /auto-chat");
    }

    @Test
    @Launch(value = {"bot"}, exitCode = 2)
    void theBotWithoutAnAdminKeySaysWhatIsMissing(LaunchResult result) {
        assertThat(result.getErrorOutput()).contains("NAGATHA_BOT_API_KEY");
    }

    @Test
    @Launch(value = {"register", "--nonsense"}, exitCode = 2)
    void aWrongArgumentIsAUsageError(LaunchResult result) {
        assertThat(result.getErrorOutput()).contains("usage: nagatha discord register");
    }
}
