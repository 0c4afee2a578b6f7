package io.nagatha.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import io.nagatha.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document is generated from the code and covers API.md: every REST route of the
 * contract is in it, every error answer is a problem document, and Swagger UI serves it.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class OpenApiTest {

    /** API.md's REST table, as "METHOD path" (checked against API.md itself where the design notes are at hand). */
    static final Set<String> API_MD_ROUTES = new TreeSet<>(List.of(
            "GET /api/v1/status",
            "POST /api/v1/sessions", "GET /api/v1/sessions",
            "GET /api/v1/sessions/{id}", "PATCH /api/v1/sessions/{id}", "DELETE /api/v1/sessions/{id}",
            "POST /api/v1/sessions/{id}/interfaces", "DELETE /api/v1/sessions/{id}/interfaces/{interface}",
            "GET /api/v1/sessions/{id}/messages", "POST /api/v1/sessions/{id}/messages",
            "POST /api/v1/sessions/{id}/turns/{turnId}/cancel",
            "GET /api/v1/sessions/{id}/events",
            "GET /api/v1/tools", "POST /api/v1/tools/{server}/{tool}/calls",
            "GET /api/v1/mcp/servers", "POST /api/v1/mcp/servers/{name}/restart",
            "GET /api/v1/usage",
            "GET /api/v1/memory/{section}", "PUT /api/v1/memory/{section}/{key}",
            "GET /api/v1/memory/{section}/{key}", "DELETE /api/v1/memory/{section}/{key}",
            "POST /api/v1/identities/link-codes", "POST /api/v1/identities/link",
            "POST /api/v1/keys", "GET /api/v1/keys", "DELETE /api/v1/keys/{id}"));

    private static final Path API_MD = Path.of("../../shared/design/API.md");

    @Test
    void everyRestRouteOfApiMdIsInTheDocument() {
        Set<String> documented = documentedRoutes(openApi());
        assertThat(documented).containsAll(API_MD_ROUTES);
        assertThat(documented).as("health is documented too").contains("GET /q/health/live", "GET /q/health/ready");
    }

    @Test
    void theRouteListIsApiMdsOwnWhereTheDesignNotesAreAtHand() throws IOException {
        if (!Files.exists(API_MD)) {
            return; // a checkout without the design notes beside it: the embedded list stands
        }
        assertThat(routesOf(Files.readString(API_MD))).isEqualTo(API_MD_ROUTES);
    }

    @Test
    void everyErrorIsAProblemDocumentAndEveryApiRouteNeedsAKey() {
        JsonNode doc = openApi();
        assertThat(doc.at("/components/schemas/Problem/properties/code").isMissingNode()).isFalse();
        assertThat(doc.at("/components/securitySchemes/apiKey/scheme").asText()).isEqualTo("bearer");
        doc.get("paths").fields().forEachRemaining(path -> {
            if (!path.getKey().startsWith("/api/v1")) {
                return;
            }
            path.getValue().fields().forEachRemaining(operation -> {
                JsonNode responses = operation.getValue().get("responses");
                String where = operation.getKey() + " " + path.getKey();
                assertThat(responses.has("401")).as(where + " answers 401").isTrue();
                assertThat(responses.has("429")).as(where + " answers 429").isTrue();
                responses.fields().forEachRemaining(response -> {
                    if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
                        assertThat(response.getValue().at("/content/application~1problem+json/schema/$ref").asText())
                                .as(where + " " + response.getKey()).isEqualTo("#/components/schemas/Problem");
                    }
                });
            });
        });
        assertThat(doc.at("/paths/~1api~1v1~1sessions~1{id}~1messages/post/responses/409/description").asText())
                .contains("session_ended");
    }

    @Test
    void theDiscordEndpointIsDocumentedWithoutAnApiKey() {
        JsonNode post = openApi().at("/paths/~1discord~1interactions/post");
        assertThat(post.isMissingNode()).isFalse();
        assertThat(post.path("security").isEmpty()).as("Discord's signature is its authentication").isTrue();
        assertThat(post.at("/responses/401/description").asText()).contains("signature");
    }

    @Test
    void swaggerUiServesTheDocument() {
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger-ui"));
        given().accept("application/yaml").get("/q/openapi").then().statusCode(200).body(containsString("Nagatha public API"));
    }

    private static JsonNode openApi() {
        String body = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString();
        return Json.decode(body, JsonNode.class);
    }

    private static Set<String> documentedRoutes(JsonNode doc) {
        Set<String> routes = new TreeSet<>();
        doc.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> routes.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
        return routes;
    }

    /** The routes of API.md's REST table: "`GET`, `DELETE /path`" names two methods on one path. */
    static Set<String> routesOf(String apiMd) {
        Pattern method = Pattern.compile("`(GET|POST|PUT|PATCH|DELETE)(?: (/[^` ]*))?`");
        Set<String> routes = new TreeSet<>();
        boolean inRest = false;
        for (String line : apiMd.split("\n")) {
            if (line.startsWith("## ")) {
                inRest = line.equals("## REST");
            }
            if (!inRest || !line.startsWith("| `")) {
                continue;
            }
            String cell = line.substring(1, line.indexOf('|', 1));
            List<String[]> found = new ArrayList<>();
            Matcher m = method.matcher(cell);
            while (m.find()) {
                found.add(new String[] {m.group(1), m.group(2)});
            }
            String path = null;
            for (int i = found.size() - 1; i >= 0; i--) {
                path = found.get(i)[1] != null ? found.get(i)[1] : path;
                routes.add(found.get(i)[0] + " " + path);
            }
        }
        return routes;
    }
}
