package io.nagatha.pool.health;

import io.nagatha.pool.stream.ToolCallConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Live only while the tool-call reader runs: a replica whose reader died takes no more calls. */
@Liveness
@ApplicationScoped
public class ToolCallConsumerHealthCheck implements HealthCheck {

    private final ToolCallConsumer consumer;

    ToolCallConsumerHealthCheck(ToolCallConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("tool-call-reader").status(consumer.isReading()).build();
    }
}
