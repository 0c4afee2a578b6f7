package io.nagatha.discordbot.health;

import io.nagatha.discordbot.service.BotRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while JDA's connection to Discord is up — not "OK" while the socket is broken. Not a
 * liveness check: JDA reconnects by itself, and a restart would only lose its session.
 */
@Readiness
@ApplicationScoped
public class DiscordConnectionCheck implements HealthCheck {

    private final BotRuntime runtime;

    DiscordConnectionCheck(BotRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public HealthCheckResponse call() {
        String status = runtime.status().map(Enum::name).orElse("NOT_STARTED");
        return HealthCheckResponse.named("discord-gateway").status("CONNECTED".equals(status)).withData("status", status).build();
    }
}
