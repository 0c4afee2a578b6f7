package io.nagatha.gateway.rest;

import io.nagatha.contracts.Problem;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Adds what every operation of {@code /api/v1} can answer, so the resources annotate only their own
 * errors: the {@code Problem} schema, 401 (no or a bad key), 429 (rate limited, with
 * {@code Retry-After}), 500 and 503 — and, for operations with a body, 400, 413 and 415.
 */
public class OpenApiFilter implements OASFilter {

    private static final String PROBLEM = "#/components/schemas/Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Components components = openAPI.getComponents() != null ? openAPI.getComponents() : OASFactory.createComponents();
        components.addSchema("Problem", problemSchema());
        openAPI.setComponents(components);
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith("/api/v1")) {
                item.getOperations().forEach((method, operation) -> addCommonAnswers(method, operation));
            }
        });
    }

    private static void addCommonAnswers(PathItem.HttpMethod method, Operation operation) {
        APIResponses responses = operation.getResponses() != null ? operation.getResponses() : OASFactory.createAPIResponses();
        // The resources name their own errors; every error's body is a problem document.
        if (responses.getAPIResponses() != null) {
            responses.getAPIResponses().forEach((status, response) -> {
                if (status.startsWith("4") || status.startsWith("5")) {
                    response.setContent(problemContent());
                }
            });
        }
        add(responses, "401", "No API key, or an unknown or revoked one (`unauthorized`)");
        add(responses, "429", "The user's request or turn budget is spent (`rate_limited`); see `Retry-After`")
                .addHeader("Retry-After", OASFactory.createHeader().description("Seconds to wait before trying again")
                        .schema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER)));
        add(responses, "500", "A bug (`internal_error`): the detail names a log reference, never a stack trace");
        add(responses, "503", "A service behind the gateway does not answer (`unavailable`); see `Retry-After`");
        if (operation.getRequestBody() != null || method == PathItem.HttpMethod.POST || method == PathItem.HttpMethod.PUT
                || method == PathItem.HttpMethod.PATCH) {
            add(responses, "400", "Malformed JSON, a wrong type or a bad field (`validation_failed`)");
            add(responses, "413", "A body over 256 KiB or a message over 32,768 characters (`payload_too_large`)");
            add(responses, "415", "A body that is not JSON (`unsupported_media_type`)");
        }
        operation.setResponses(responses);
    }

    private static APIResponse add(APIResponses responses, String status, String description) {
        APIResponse existing = responses.getAPIResponse(status);
        if (existing != null) {
            return existing;
        }
        APIResponse response = OASFactory.createAPIResponse().description(description).content(problemContent());
        responses.addAPIResponse(status, response);
        return response;
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM)));
    }

    private static Schema problemSchema() {
        Map<String, String> fields = Map.of(
                "type", "A URI naming the kind of problem",
                "title", "A short summary of the kind of problem",
                "detail", "What went wrong this time, for a person",
                "code", "The stable snake_case code clients switch on (`session_not_found`, `rate_limited`, …)",
                "instance", "The request it happened to, when known");
        Schema schema = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("An RFC 9457 problem document (`application/problem+json`)")
                .required(List.of("type", "title", "status", "code"));
        fields.forEach((name, text) -> schema.addProperty(name,
                OASFactory.createSchema().addType(Schema.SchemaType.STRING).description(text)));
        schema.addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).description("The HTTP status"));
        schema.addProperty("retryAfter", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER)
                .description("Seconds to wait, where the problem is temporary"));
        return schema;
    }
}
