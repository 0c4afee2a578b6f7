package io.nagatha.session.repository;

import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.Page;
import io.nagatha.contracts.StreamFields;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Reads a session's history stream (the agent service writes it). Cursors are stream entry ids. */
@ApplicationScoped
public class HistoryRepository {

    private final RedisDataSource redis;

    HistoryRepository(RedisDataSource redis) {
        this.redis = redis;
    }

    /** Up to {@code limit} messages older than {@code before} (or the newest), newest last. */
    public Page<Message> page(String sessionId, int limit, String before) {
        String end = before == null ? "+" : "(" + before;
        // One more than asked tells whether an older page exists.
        List<StreamMessage<String, String, String>> newestFirst =
                redis.stream(String.class).xrevrange(Keys.history(sessionId), StreamRange.of(end, "-"), limit + 1);
        boolean more = newestFirst.size() > limit;
        List<StreamMessage<String, String, String>> page = more ? newestFirst.subList(0, limit) : newestFirst;
        List<Message> items = new ArrayList<>(page.size());
        for (StreamMessage<String, String, String> entry : page) {
            items.add(Json.decode(entry.payload().get(StreamFields.MESSAGE), Message.class));
        }
        Collections.reverse(items);
        String nextCursor = more ? page.get(page.size() - 1).id() : null;
        return new Page<>(items, nextCursor);
    }
}
