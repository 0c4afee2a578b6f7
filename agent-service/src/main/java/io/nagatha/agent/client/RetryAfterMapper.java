package io.nagatha.agent.client;

import jakarta.annotation.Priority;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * Turns an error status from the model's server into {@link LlmHttpException} before the client
 * library's own mapper does, because that one keeps only the status and the body and the retry
 * policy needs the server's {@code Retry-After} (seconds or an HTTP date; OpenAI also sends
 * {@code retry-after-ms}). The agent has no other REST client, so the mapper applies to the model only.
 */
@Provider
@Priority(1)
public class RetryAfterMapper implements ResponseExceptionMapper<LlmHttpException> {

    @Override
    public LlmHttpException toThrowable(Response response) {
        String body;
        try {
            body = response.readEntity(String.class);
        } catch (RuntimeException e) {
            body = "";
        }
        return new LlmHttpException(response.getStatus(), retryAfter(response), body == null ? "" : body);
    }

    @Override
    public boolean handles(int status, jakarta.ws.rs.core.MultivaluedMap<String, Object> headers) {
        return status >= 400;
    }

    @Override
    public int getPriority() {
        return 1;
    }

    static Duration retryAfter(Response response) {
        String millis = response.getHeaderString("retry-after-ms");
        if (millis != null) {
            try {
                return Duration.ofMillis(Math.max(0, (long) Double.parseDouble(millis.trim())));
            } catch (NumberFormatException e) {
                // fall back to Retry-After
            }
        }
        return parse(response.getHeaderString(HttpHeaders.RETRY_AFTER));
    }

    static Duration parse(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(value.trim()) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
