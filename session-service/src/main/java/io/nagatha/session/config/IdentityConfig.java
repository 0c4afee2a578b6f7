package io.nagatha.session.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Users, identities, API keys and link codes. */
@ConfigMapping(prefix = "nagatha.identities")
public interface IdentityConfig {

    /** How long a link code stays usable. */
    @WithDefault("10m")
    Duration linkCodeTtl();

    /** Characters in a link code (Crockford base 32: 5 bits each; 10 give about 10^15 codes). */
    @WithDefault("10")
    int linkCodeLength();

    /** Failed link attempts a user may make per {@link #linkFailureWindow()} before being refused (429). */
    @WithDefault("5")
    int maxLinkFailures();

    @WithDefault("10m")
    Duration linkFailureWindow();

    /** Longest key name, in characters. */
    @WithDefault("100")
    int maxKeyNameLength();

    /** The bootstrap admin key, set by the local runner or a Kubernetes Secret; stored (as a hash) at start-up. */
    Optional<String> adminKey();

    /** The user the bootstrap admin key belongs to. */
    @WithDefault("local")
    String adminUser();
}
