package io.nagatha.session.repository;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.MemoryEntry;
import io.nagatha.support.redis.LuaScript;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Users' memory in Redis: one string per entry, expiring by itself when it has a TTL, and a set per
 * section naming its keys for listing. Nothing is held in this process, so every replica (and a
 * restarted one) sees the same memory.
 */
@ApplicationScoped
public class MemoryRepository {

    private static final LuaScript PUT = LuaScript.fromResource("lua/memory-put.lua");
    private static final LuaScript DELETE = LuaScript.fromResource("lua/memory-delete.lua");
    private static final LuaScript PRUNE = LuaScript.fromResource("lua/memory-prune.lua");

    private final RedisDataSource redis;

    MemoryRepository(RedisDataSource redis) {
        this.redis = redis;
    }

    /**
     * Stores the entry, replacing one with the same key. Returns false, storing nothing, when the
     * key is new and the section already holds {@code maxKeys} live entries.
     *
     * @param ttl null for an entry kept until deleted
     */
    public boolean put(String userId, String section, MemoryEntry entry, Instant updatedAt, Duration ttl, int maxKeys) {
        List<String> keys = List.of(Keys.memoryEntry(userId, section, entry.key()), Keys.memorySection(userId, section));
        List<String> args = List.of(Json.encode(new Stored(entry.key(), entry.value(), updatedAt, entry.expiresAt())),
                String.valueOf(ttl == null ? 0 : ttl.toMillis()), entry.key(), String.valueOf(maxKeys));
        if (PUT.run(redis, keys, args).toInteger() == 1) {
            return true;
        }
        // The index still counts entries that expired since the section was last listed: drop them, then try again.
        list(userId, section);
        return PUT.run(redis, keys, args).toInteger() == 1;
    }

    public Optional<MemoryEntry> find(String userId, String section, String key) {
        return Optional.ofNullable(redis.value(String.class).get(Keys.memoryEntry(userId, section, key))).map(MemoryRepository::decode);
    }

    /** The section's live entries by key; index members whose entry has expired are removed on the way. */
    public List<MemoryEntry> list(String userId, String section) {
        String index = Keys.memorySection(userId, section);
        List<String> members = new ArrayList<>(redis.set(String.class).smembers(index));
        if (members.isEmpty()) {
            return List.of();
        }
        Map<String, String> found = redis.value(String.class)
                .mget(members.stream().map(key -> Keys.memoryEntry(userId, section, key)).toArray(String[]::new));
        List<MemoryEntry> entries = new ArrayList<>();
        List<String> pruneArgs = new ArrayList<>();
        pruneArgs.add(Keys.memoryEntry(userId, section, "")); // the prefix the script puts before each key
        for (String key : members) {
            String json = found.get(Keys.memoryEntry(userId, section, key));
            if (json == null) {
                pruneArgs.add(key);
            } else {
                entries.add(decode(json));
            }
        }
        if (pruneArgs.size() > 1) {
            PRUNE.run(redis, List.of(index), pruneArgs);
        }
        entries.sort(Comparator.comparing(MemoryEntry::key));
        return entries;
    }

    /** Returns false when there was no such entry. */
    public boolean delete(String userId, String section, String key) {
        return DELETE.run(redis, List.of(Keys.memoryEntry(userId, section, key), Keys.memorySection(userId, section)),
                List.of(key)).toInteger() == 1;
    }

    private static MemoryEntry decode(String json) {
        Stored stored = Json.decode(json, Stored.class);
        return new MemoryEntry(stored.key(), stored.value(), stored.expiresAt());
    }

    /** The stored form: the entry as the API shows it, plus when it was last written. */
    record Stored(String key, JsonNode value, Instant updatedAt, Instant expiresAt) {
    }
}
