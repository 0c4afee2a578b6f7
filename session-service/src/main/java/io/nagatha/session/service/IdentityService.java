package io.nagatha.session.service;

import io.nagatha.contracts.Caller;
import io.nagatha.contracts.ErrorCodes;
import io.nagatha.contracts.Ids;
import io.nagatha.contracts.LinkCode;
import io.nagatha.contracts.LinkRequest;
import io.nagatha.contracts.UserIdentities;
import io.nagatha.session.config.IdentityConfig;
import io.nagatha.session.repository.IdentityRepository;
import io.nagatha.session.repository.IdentityRepository.LinkResult;
import io.nagatha.support.rest.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One person, one user, whatever interface they come from. An interface identity
 * ({@code cli:alice@laptop}, {@code discord:8035…}) maps to a user; a link code moves another
 * identity to the same user.
 */
@ApplicationScoped
public class IdentityService {

    /** {@code <interface>:<id on that interface>}; no spaces or braces, so it is safe inside a Redis key. */
    private static final Pattern IDENTITY = Pattern.compile("[a-z][a-z0-9_-]{0,31}:[A-Za-z0-9._@+-]{1,128}");
    private static final String CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final IdentityRepository repository;
    private final IdentityConfig config;
    private final MeterRegistry metrics;

    IdentityService(IdentityRepository repository, IdentityConfig config, MeterRegistry metrics) {
        this.repository = repository;
        this.config = config;
        this.metrics = metrics;
    }

    /** The user behind an identity; an identity seen for the first time becomes a new user. */
    public UserIdentities resolve(String identity) {
        validateIdentity(identity);
        String userId = repository.resolve(identity, Ids.user());
        return new UserIdentities(userId, repository.identities(userId));
    }

    public UserIdentities identitiesOf(String userId) {
        return new UserIdentities(userId, repository.identities(userId));
    }

    /** A fresh single-use code that links another identity to the caller. */
    public LinkCode createLinkCode(Caller caller) {
        repository.ensureUser(caller.userId());
        while (true) {
            String code = randomCode();
            if (repository.storeLinkCode(code, caller.userId(), config.linkCodeTtl())) {
                return new LinkCode(code, Instant.now().plus(config.linkCodeTtl()));
            }
        }
    }

    /**
     * Binds {@code identity} to the code's user. An admin (such as the Discord adapter, which has
     * checked Discord's signature) may bind any identity; any other caller only one it holds
     * already, so nobody can claim someone else's Discord account. Failed attempts are counted per
     * caller and refused past a bound, which keeps guessing codes hopeless.
     */
    public UserIdentities link(Caller caller, LinkRequest request) {
        if (request == null || request.code() == null || request.code().isBlank()) {
            throw ApiException.invalid("a body with 'code' and 'identity' is required");
        }
        validateIdentity(request.identity());
        IdentityRepository.Failures failures = repository.linkFailures(caller.userId());
        if (failures.count() >= config.maxLinkFailures()) {
            throw ApiException.rateLimited("too many failed link attempts; wait before trying again", failures.retryAfterSeconds());
        }
        String code = normalise(request.code());
        LinkResult result = code == null ? new LinkResult(IdentityRepository.LinkOutcome.INVALID_CODE, null)
                : repository.link(code, request.identity(), caller.userId(), caller.admin());
        switch (result.outcome()) {
            case LINKED -> {
                metrics.counter("nagatha_identity_links_total", "outcome", "linked").increment();
                return new UserIdentities(result.userId(), repository.identities(result.userId()));
            }
            case FORBIDDEN -> {
                metrics.counter("nagatha_identity_links_total", "outcome", "forbidden").increment();
                repository.recordLinkFailure(caller.userId(), config.linkFailureWindow());
                throw ApiException.forbidden("only an admin key may link an identity that is not already yours");
            }
            default -> {
                metrics.counter("nagatha_identity_links_total", "outcome", "invalid").increment();
                repository.recordLinkFailure(caller.userId(), config.linkFailureWindow());
                throw ApiException.of(400, ErrorCodes.LINK_CODE_INVALID, "Invalid link code",
                        "the link code is unknown, used or expired; ask for a new one");
            }
        }
    }

    private String normalise(String code) {
        String cleaned = code.replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT);
        if (cleaned.length() != config.linkCodeLength()) {
            return null;
        }
        return cleaned.chars().allMatch(c -> CODE_ALPHABET.indexOf(c) >= 0) ? cleaned : null;
    }

    private String randomCode() {
        char[] out = new char[config.linkCodeLength()];
        for (int i = 0; i < out.length; i++) {
            out[i] = CODE_ALPHABET.charAt(RANDOM.nextInt(CODE_ALPHABET.length()));
        }
        return new String(out);
    }

    static void validateIdentity(String identity) {
        if (identity == null || !IDENTITY.matcher(identity).matches()) {
            throw ApiException.invalid("'identity' must look like <interface>:<id>, e.g. discord:80351110224678912 "
                    + "or cli:alice@laptop (letters, digits and . _ @ + - only)");
        }
    }
}
