package io.nagatha.system;

import io.nagatha.testing.FakeDiscord;
import io.nagatha.testing.FakeOpenAi;
import java.util.Map;
import java.util.function.Function;

/** For the Discord system tests: a fake model, a fake Discord API and the four packaged services. */
final class DiscordStack implements AutoCloseable {

    final FakeOpenAi llm = FakeOpenAi.start();
    final FakeDiscord discord = FakeDiscord.start();
    final NagathaProcesses nagatha = NagathaProcesses.onNewRedis();

    /** Starts the services, the gateway with the settings {@code gateway} makes from the fake Discord. */
    DiscordStack(Function<FakeDiscord, Map<String, String>> gateway) {
        nagatha.configure("gateway", gateway.apply(discord))
                .start(Map.of("nagatha.llm.base-url", llm.baseUrl(), "nagatha.llm.api-key", "sk-test", "nagatha.llm.model", "gpt-4o-mini"));
    }

    @Override
    public void close() {
        nagatha.close();
        discord.close();
        llm.close();
    }
}
