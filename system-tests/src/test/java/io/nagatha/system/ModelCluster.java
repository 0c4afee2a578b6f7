package io.nagatha.system;

import io.nagatha.testing.FakeOpenAi;
import io.nagatha.testing.ServiceProcess;
import java.util.HashMap;
import java.util.Map;

/**
 * For the agent's system tests: a fake model and packaged services on a redis-server of their own —
 * session-service and a gateway, plus the agents (and a pool) each test asks for, every agent
 * pointed at the fake model.
 */
final class ModelCluster implements AutoCloseable {

    final FakeOpenAi llm = FakeOpenAi.start();
    final NagathaProcesses nagatha = NagathaProcesses.onNewRedis();
    private final ServiceProcess session;
    private String gatewayUrl;

    ModelCluster() {
        session = nagatha.replica("session-service", Map.of());
    }

    /** Starts the gateway; call after the other services, so that it is ready last. */
    ModelCluster gateway() {
        gatewayUrl = nagatha.replica("gateway", Map.of("nagatha.session-service.url", session.url())).url();
        return this;
    }

    /** Starts an agent replica on the fake model, with {@code config} on top. */
    ServiceProcess agent(Map<String, String> config) {
        Map<String, String> all = new HashMap<>(Map.of("nagatha.llm.base-url", llm.baseUrl(), "nagatha.llm.api-key", "sk-test"));
        all.putAll(config);
        return nagatha.replica("agent-service", all);
    }

    String gatewayUrl() {
        return gatewayUrl;
    }

    Http admin() {
        return Http.gateway(gatewayUrl, nagatha.adminKey());
    }

    String sseUrl(String session) {
        return TurnEvents.sseUrl(gatewayUrl, session, nagatha.adminKey());
    }

    String newSession() {
        return admin().post("/api/v1/sessions", Map.of("interface", "cli", "mode", "new")).body().get("id").asText();
    }

    @Override
    public void close() {
        nagatha.close();
        llm.close();
    }
}
