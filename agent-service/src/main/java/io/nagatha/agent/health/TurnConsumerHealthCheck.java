package io.nagatha.agent.health;

import io.nagatha.agent.client.LlmClient;
import io.nagatha.agent.service.SessionRunner;
import io.nagatha.agent.stream.TurnConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Alive while the turn reader runs; also says whether a model is configured and how busy the replica is. */
@Liveness
@ApplicationScoped
public class TurnConsumerHealthCheck implements HealthCheck {

    private final TurnConsumer consumer;
    private final LlmClient llm;
    private final SessionRunner sessions;

    TurnConsumerHealthCheck(TurnConsumer consumer, LlmClient llm, SessionRunner sessions) {
        this.consumer = consumer;
        this.llm = llm;
        this.sessions = sessions;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("turn-consumer")
                .status(consumer.isReading())
                .withData("model", llm.configured() ? llm.modelName() : "not configured")
                .withData("turnsInFlight", consumer.inFlight())
                .withData("sessionLeases", sessions.leases().size())
                .build();
    }
}
