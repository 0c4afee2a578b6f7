package io.nagatha.gateway.stream;

import io.nagatha.contracts.Event;
import io.nagatha.contracts.Json;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An event as its JSON, encoded once for all the clients that get it: the fan-out loop hands one
 * event to every watcher of a session in a row, so remembering the last one encoded saves all but
 * the first encoding (500 clients of a session cost one encoding per event, not 500).
 */
public final class EventJson {

    private record Encoded(Event event, String json) {
    }

    private final AtomicReference<Encoded> last = new AtomicReference<>();

    public String of(Event event) {
        Encoded remembered = last.get();
        if (remembered != null && remembered.event() == event) {
            return remembered.json();
        }
        String json = Json.encode(event);
        last.set(new Encoded(event, json));
        return json;
    }
}
