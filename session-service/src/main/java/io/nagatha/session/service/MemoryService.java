package io.nagatha.session.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.Json;
import io.nagatha.contracts.MemoryEntries;
import io.nagatha.contracts.MemoryEntry;
import io.nagatha.contracts.MemoryPut;
import io.nagatha.session.config.MemoryConfig;
import io.nagatha.session.repository.MemoryRepository;
import io.nagatha.support.rest.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;

/** The memory rules: the sections, the bounds, and the lifetime of an entry. */
@ApplicationScoped
public class MemoryService {

    /** The sections of API.md; a user's memory has no others. */
    public static final List<String> SECTIONS = List.of("user_preferences", "facts", "session_state", "command_history", "temporary");
    private static final String TEMPORARY = "temporary";

    private final MemoryRepository memory;
    private final MemoryConfig config;
    private final MeterRegistry metrics;
    private final Pattern keyPattern;

    MemoryService(MemoryRepository memory, MemoryConfig config, MeterRegistry metrics) {
        this.memory = memory;
        this.config = config;
        this.metrics = metrics;
        this.keyPattern = Pattern.compile(config.keyPattern());
    }

    public MemoryEntries list(String userId, String section) {
        checkOwnerAndSection(userId, section);
        return new MemoryEntries(memory.list(userId, section));
    }

    public MemoryEntry get(String userId, String section, String key) {
        checkEntryAddress(userId, section, key);
        return memory.find(userId, section, key).orElseThrow(() -> notFound(section, key));
    }

    /**
     * Writes the entry, replacing any with the same key. Without {@code ttlSeconds}, a
     * {@code temporary} entry lives for the configured default and any other until deleted.
     */
    public MemoryEntry put(String userId, String section, String key, MemoryPut body) {
        checkEntryAddress(userId, section, key);
        if (body == null || body.value() == null || body.value().isNull()) {
            throw ApiException.invalid("a body with a 'value' that is not null is required");
        }
        int size = Json.encode(body.value()).getBytes(StandardCharsets.UTF_8).length;
        if (size > config.maxValueBytes()) {
            throw ApiException.tooLarge("'value' is " + size + " bytes of JSON; the limit is " + config.maxValueBytes());
        }
        Duration ttl = ttl(section, body.ttlSeconds());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        MemoryEntry entry = new MemoryEntry(key, body.value(), ttl == null ? null : now.plus(ttl));
        if (!memory.put(userId, section, entry, now, ttl, config.maxEntriesPerSection())) {
            throw ApiException.invalid("section '" + section + "' already holds " + config.maxEntriesPerSection()
                    + " entries, the most it may: delete some, or overwrite an existing key");
        }
        count(section, "put");
        return entry;
    }

    /** @throws ApiException 404 when there is no such entry (a typo should not pass for success) */
    public void delete(String userId, String section, String key) {
        checkEntryAddress(userId, section, key);
        if (!memory.delete(userId, section, key)) {
            throw notFound(section, key);
        }
        count(section, "delete");
    }

    private Duration ttl(String section, Long ttlSeconds) {
        if (ttlSeconds == null) {
            return TEMPORARY.equals(section) ? config.temporaryDefaultTtl() : null;
        }
        long max = config.maxTtl().toSeconds();
        if (ttlSeconds < 1 || ttlSeconds > max) {
            throw ApiException.invalid("'ttlSeconds' must be a whole number from 1 to " + max);
        }
        return Duration.ofSeconds(ttlSeconds);
    }

    private void checkEntryAddress(String userId, String section, String key) {
        checkOwnerAndSection(userId, section);
        if (key.length() > config.maxKeyLength()) {
            throw ApiException.invalid("the key is longer than " + config.maxKeyLength() + " characters");
        }
        if (!keyPattern.matcher(key).matches()) {
            throw ApiException.invalid("the key '" + key + "' must match " + config.keyPattern());
        }
    }

    private static void checkOwnerAndSection(String userId, String section) {
        if (!Ids.isValid(userId)) {
            throw ApiException.invalid("'" + userId + "' is not a valid user id");
        }
        if (!SECTIONS.contains(section)) {
            throw ApiException.invalid("there is no memory section '" + section + "'; the sections are "
                    + String.join(", ", SECTIONS));
        }
    }

    private static ApiException notFound(String section, String key) {
        return ApiException.of(404, ErrorCodes.NOT_FOUND, "Not found", "no entry '" + key + "' in section '" + section + "'");
    }

    private void count(String section, String operation) {
        metrics.counter("nagatha.memory.operations", "section", section, "operation", operation).increment();
    }
}
