package io.nagatha.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts a {@link FakeOpenAi} and configures the agent's model to use it. */
public class FakeOpenAiTestResource implements QuarkusTestResourceLifecycleManager {

    private static FakeOpenAi fake;

    /** The server the running test's application talks to. */
    public static FakeOpenAi fake() {
        return fake;
    }

    @Override
    public Map<String, String> start() {
        fake = FakeOpenAi.start();
        return Map.of(
                "nagatha.llm.base-url", fake.baseUrl(),
                "nagatha.llm.api-key", "sk-test",
                "nagatha.llm.model", "gpt-4o-mini");
    }

    @Override
    public void stop() {
        if (fake != null) {
            fake.close();
        }
    }
}
