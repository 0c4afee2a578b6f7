package io.nagatha.agent.repository;

import io.nagatha.agent.config.AgentConfig;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.StreamFields;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.contracts.TurnUsage;
import io.nagatha.support.redis.LuaScript;
import io.nagatha.support.redis.SessionEventWriter;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A turn's record, the history it reads, and the atomic write of its outcome. */
@ApplicationScoped
public class TurnRepository {

    /** Status values of a turn record (the gateway writes {@code accepted}). */
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";

    private static final LuaScript START = LuaScript.fromResource("lua/turn-start.lua");
    private static final LuaScript FINISH = LuaScript.fromResource("lua/turn-finish.lua");

    private final RedisDataSource redis;
    private final SessionEventWriter events;
    private final AgentConfig config;

    TurnRepository(RedisDataSource redis, SessionEventWriter events, AgentConfig config) {
        this.redis = redis;
        this.events = events;
        this.config = config;
    }

    /** Marks the turn as running; returns the attempt number, or -1 when the turn already finished. */
    public int start(TurnRequest turn) {
        return START.run(redis, List.of(Keys.turn(turn.sessionId(), turn.turnId())),
                List.of(Instant.now().toString(), String.valueOf(config.turnRecordTtl().toSeconds()))).toInteger();
    }

    /** The session's last {@code count} messages, oldest first. */
    public List<Message> recentHistory(String sessionId, int count) {
        List<StreamMessage<String, String, String>> newestFirst =
                redis.stream(String.class).xrevrange(Keys.history(sessionId), StreamRange.of("+", "-"), count);
        List<Message> messages = new ArrayList<>(newestFirst.size());
        for (StreamMessage<String, String, String> entry : newestFirst) {
            messages.add(Json.decode(entry.payload().get(StreamFields.MESSAGE), Message.class));
        }
        Collections.reverse(messages);
        return messages;
    }

    /**
     * Writes the turn's messages, final events, status and usage in one step. Returns false when
     * the turn had already finished, in which case nothing was written.
     */
    public boolean finish(TurnRequest turn, String status, List<Message> messages, List<Event> finalEvents, TurnUsage usage) {
        String sessionId = turn.sessionId();
        List<String> args = new ArrayList<>();
        args.add(status);
        args.add(Instant.now().toString());
        args.add(String.valueOf(config.turnRecordTtl().toSeconds()));
        args.add(String.valueOf(config.historyMaxLen()));
        args.add(String.valueOf(events.maxLen()));
        args.add(StreamFields.MESSAGE);
        args.add(StreamFields.EVENT);
        args.add(String.valueOf(usage.promptTokens()));
        args.add(String.valueOf(usage.completionTokens()));
        args.add(String.valueOf(usage.toolCalls()));
        args.add(String.valueOf(messages.size()));
        messages.forEach(m -> args.add(Json.encode(m)));
        finalEvents.forEach(e -> args.add(Json.encode(e)));
        List<String> keys = List.of(Keys.turn(sessionId, turn.turnId()), Keys.history(sessionId), Keys.events(sessionId),
                Keys.session(sessionId));
        return FINISH.run(redis, keys, args).toInteger() == 1;
    }

    /** Writes one event outside the final step (turn.started, deltas). */
    public void append(Event event) {
        events.append(event);
    }
}
