package io.nagatha.support.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Bounds of the per-session event streams, shared by every service that writes to them. */
@ConfigMapping(prefix = "nagatha.events")
public interface EventsConfig {

    /**
     * Events a session's stream keeps (approximately: trimmed with MAXLEN ~). A client that resumes
     * from an older id gets a resume.gap event.
     */
    @WithDefault("2000")
    long maxLen();
}
