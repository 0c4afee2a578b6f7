package io.nagatha.contracts;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;

/**
 * Reads a {@code Long} only from a JSON integer. Jackson would otherwise accept {@code "60"} and
 * truncate {@code 1.5} to 1; a client that sends those has made a mistake we should report.
 */
final class WholeNumberDeserializer extends StdDeserializer<Long> {

    WholeNumberDeserializer() {
        super(Long.class);
    }

    @Override
    public Long deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            return (Long) context.handleUnexpectedToken(Long.class, parser);
        }
        return parser.getLongValue();
    }
}
