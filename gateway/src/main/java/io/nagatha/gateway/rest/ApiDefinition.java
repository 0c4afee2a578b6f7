package io.nagatha.gateway.rest;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The OpenAPI document's frame ({@code /q/openapi}, Swagger UI at {@code /q/swagger-ui}); the
 * operations come from the resources' annotations, the shared error answers from {@link OpenApiFilter}.
 */
@OpenAPIDefinition(
        info = @Info(title = "Nagatha public API", version = "1",
                description = """
                        The gateway's contract: REST, Server-Sent Events and a WebSocket. Every request carries \
                        `Authorization: Bearer <api key>` (a browser's WebSocket or EventSource may send \
                        `?access_token=` on a GET instead). Every error is an RFC 9457 problem document with a \
                        stable `code`. Per-user rate limits answer 429 `rate_limited` with `Retry-After`; every \
                        authenticated answer carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`.

                        **WebSocket** `/ws/v1/sessions/{id}?interface=web&since=<event id>` (not describable in \
                        OpenAPI): the first frame is `session.attached`, then the session's events. Client frames: \
                        `{"type":"message","content":"…","idempotencyKey":"…"}`, `{"type":"resume","since":"<event id>"}`, \
                        `{"type":"ping"}` (answered `{"type":"pong"}`); a bad frame gets \
                        `{"type":"error","data":{"code","message"}}` and the socket stays open. Close codes: 4401 \
                        unauthorized, 4403 forbidden, 4404 session not found, 4408 idle, 4429 rate limited, 1008 \
                        refused, 1009 frame too big, 1011 a service behind the gateway failed, 1013 slow consumer \
                        (resume from your last event id).""",
                license = @License(name = "See the repository")),
        security = @SecurityRequirement(name = "apiKey"),
        tags = {
            @Tag(name = "Sessions", description = "Conversations, their interfaces and their history"),
            @Tag(name = "Messages and events", description = "Turns and the live event stream"),
            @Tag(name = "Tools and MCP", description = "The MCP pool's tools and servers"),
            @Tag(name = "Usage", description = "Turns, tokens and tool calls"),
            @Tag(name = "Memory", description = "What Nagatha remembers about a user"),
            @Tag(name = "Identities", description = "One person across interfaces"),
            @Tag(name = "Keys", description = "API keys (admin)"),
            @Tag(name = "Status", description = "The system at a glance")
        })
@SecurityScheme(securitySchemeName = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "An API key, `nag_<id>_<secret>`")
public class ApiDefinition extends Application {
}
