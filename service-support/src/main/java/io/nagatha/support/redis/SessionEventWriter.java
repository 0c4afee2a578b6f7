package io.nagatha.support.redis;

import io.nagatha.contracts.Event;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.StreamFields;
import io.nagatha.support.config.EventsConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.XAddArgs;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** Appends events to a session's bounded event stream, which every attached client reads. */
@ApplicationScoped
public class SessionEventWriter {

    private final RedisDataSource redis;
    private final EventsConfig config;

    SessionEventWriter(RedisDataSource redis, EventsConfig config) {
        this.redis = redis;
        this.config = config;
    }

    /** Writes the event and returns its id (the stream entry id). */
    public String append(Event event) {
        return redis.stream(String.class).xadd(Keys.events(event.sessionId()),
                new XAddArgs().maxlen(config.maxLen()).nearlyExactTrimming(),
                Map.of(StreamFields.EVENT, Json.encode(event)));
    }

    /** Events a session's stream keeps, for writers that append in a Lua script of their own. */
    public long maxLen() {
        return config.maxLen();
    }
}
