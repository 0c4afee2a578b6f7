package io.nagatha.session.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Bounds of a user's memory (docs/memory.md tells users what they are). */
@ConfigMapping(prefix = "nagatha.memory")
public interface MemoryConfig {

    /** Lifetime of a {@code temporary} entry written without {@code ttlSeconds}. */
    @WithDefault("1h")
    Duration temporaryDefaultTtl();

    /** Longest {@code ttlSeconds} a client may ask for. */
    @WithDefault("365d")
    Duration maxTtl();

    /** Longest entry key, in characters. */
    @WithDefault("128")
    int maxKeyLength();

    /** Characters an entry key may use (a regular expression for the whole key). */
    @WithDefault("[A-Za-z0-9_.:-]+")
    String keyPattern();

    /** Largest {@code value}, in bytes of its JSON. */
    @WithDefault("16384")
    int maxValueBytes();

    /** Most keys one section of one user may hold; writing a new key into a full section is refused. */
    @WithDefault("1000")
    int maxEntriesPerSection();
}
