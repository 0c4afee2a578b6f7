package io.nagatha.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points a {@code @QuarkusTest} at the JVM's real redis-server (see {@link RedisServer}). */
public class RedisTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("nagatha.redis.url", RedisServer.shared().url());
    }

    @Override
    public void stop() {
        // The server is shared by every test class of this JVM and stops with it.
    }
}
