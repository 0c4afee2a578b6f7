package io.nagatha.gateway.discord;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import io.nagatha.support.rest.ApiException;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /discord/interactions}: Discord's HTTP interactions. Not behind API keys — Discord's
 * Ed25519 signature is the authentication, checked over the raw bytes before anything is parsed.
 * Off (404) until the application's public key is configured.
 */
@Tag(name = "Discord")
@Path("/discord/interactions")
public class DiscordInteractionResource {

    private final DiscordConfig config;
    private final DiscordCommands commands;
    private final Optional<SignatureVerifier> verifier;

    DiscordInteractionResource(DiscordConfig config, DiscordCommands commands) {
        this.config = config;
        this.commands = commands;
        this.verifier = config.publicKey().filter(k -> !k.isBlank())
                .map(key -> new SignatureVerifier(key, config.timestampTolerance(), Clock.systemUTC()));
    }

    @Operation(summary = "Discord interactions (signed by Discord)", description = "PING answers {\"type\":1}; "
            + "/ask, /link, /session and /status are deferred (type 5) and answered through Discord's webhook.")
    @APIResponse(responseCode = "401", description = "Missing, wrong or stale signature (`unauthorized`)")
    @APIResponse(responseCode = "404", description = "No Discord public key is configured (`not_found`)")
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Object interact(byte[] body, @HeaderParam("X-Signature-Ed25519") String signature,
            @HeaderParam("X-Signature-Timestamp") String timestamp, @Context RoutingContext context) {
        SignatureVerifier check = verifier.orElseThrow(
                () -> ApiException.notFound("the Discord interactions endpoint is off: no nagatha.discord.public-key is configured"));
        if (body.length > config.maxBodySize().asLongValue()) {
            throw ApiException.tooLarge("an interaction is at most " + config.maxBodySize().asLongValue() + " bytes");
        }
        check.check(signature, timestamp, body).ifPresent(reason -> {
            throw ApiException.unauthorized(reason);
        });
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw ApiException.invalid("the interaction is not JSON");
        }
        if (json == null || !json.isObject()) {
            throw ApiException.invalid("the interaction is not a JSON object");
        }
        Interaction interaction = Interaction.parse(json);
        return switch (interaction.type()) {
            case Interaction.PING -> InteractionResponses.pong();
            case Interaction.APPLICATION_COMMAND -> {
                DiscordCommands.Accepted accepted = commands.accept(interaction);
                // The deferred answer must reach Discord before the message it creates can be edited.
                context.addEndHandler(sent -> (sent.succeeded() ? accepted.afterResponse() : accepted.abandoned()).run());
                yield accepted.response();
            }
            default -> InteractionResponses.privateMessage("Nagatha answers slash commands only.");
        };
    }
}
