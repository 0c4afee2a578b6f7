package io.nagatha.session.service;

import io.nagatha.contracts.ApiKey;
import io.nagatha.contracts.CreateKeyRequest;
import io.nagatha.contracts.CreatedKey;
import io.nagatha.contracts.Ids;
import io.nagatha.session.config.IdentityConfig;
import io.nagatha.session.repository.IdentityRepository;
import io.nagatha.contracts.ApiKeys;
import io.nagatha.support.rest.ApiException;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/** API keys: made for a user by an admin, stored only as hashes, shown once. */
@ApplicationScoped
public class KeyService {

    private static final Logger LOG = Logger.getLogger(KeyService.class);

    private final IdentityRepository repository;
    private final IdentityConfig config;

    KeyService(IdentityRepository repository, IdentityConfig config) {
        this.repository = repository;
        this.config = config;
    }

    private volatile boolean bootstrapped;

    /**
     * Stores the configured bootstrap admin key, so a fresh installation has one key to start from.
     * Re-run on every start: changing the configured key replaces the stored one (rotation).
     */
    void bootstrap(@Observes StartupEvent start) {
        tryBootstrap();
    }

    /** Redis may be unreachable at start-up (the service then reports not ready): keep trying. */
    @Scheduled(every = "10s", delayed = "10s", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void retryBootstrap() {
        if (!bootstrapped) {
            tryBootstrap();
        }
    }

    private void tryBootstrap() {
        try {
            storeBootstrapKey();
            bootstrapped = true;
        } catch (IllegalArgumentException e) {
            throw e; // a malformed key in the configuration must stop the start
        } catch (RuntimeException e) {
            LOG.warnf("bootstrap admin key not stored yet (%s); retrying", e.toString());
        }
    }

    private void storeBootstrapKey() {
        config.adminKey().filter(k -> !k.isBlank()).ifPresent(key -> {
            String id = ApiKeys.idOf(key.strip()).orElseThrow(() -> new IllegalArgumentException(
                    "nagatha.identities.admin-key is not a Nagatha key (nag_<id>_<secret>)"));
            String hash = ApiKeys.hash(key.strip());
            boolean current = repository.findKey(id).map(k -> k.hash().equals(hash) && k.admin()).orElse(false);
            if (!current) {
                repository.ensureUser(config.adminUser());
                repository.saveKey(new ApiKey(id, config.adminUser(), "bootstrap admin", true, Instant.now(), hash));
                LOG.infof("bootstrap admin key %s stored for user %s", id, config.adminUser());
            }
        });
    }

    public CreatedKey create(CreateKeyRequest request) {
        if (request == null) {
            throw ApiException.invalid("a body with 'userId' and 'name' is required");
        }
        if (!Ids.isValid(request.userId())) {
            throw ApiException.invalid("'userId' is missing or not a valid id (letters, digits, _ and -, up to 64)");
        }
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > config.maxKeyNameLength()) {
            throw ApiException.invalid("'name' is required, up to " + config.maxKeyNameLength() + " characters");
        }
        String id = Ids.apiKey();
        String key = ApiKeys.generate(id);
        boolean admin = Boolean.TRUE.equals(request.admin());
        Instant now = Instant.now();
        repository.ensureUser(request.userId());
        repository.saveKey(new ApiKey(id, request.userId(), name, admin, now, ApiKeys.hash(key)));
        return new CreatedKey(id, key, request.userId(), name, admin, now);
    }

    public List<ApiKey> list() {
        return repository.keys().stream().map(ApiKey::visible).toList();
    }

    public void revoke(String id) {
        if (!ApiKeys.isValidId(id) || !repository.deleteKey(id)) {
            throw ApiException.notFound("no key with id " + id);
        }
    }
}
