package io.nagatha.support.heartbeat;

import io.nagatha.contracts.Json;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.ServiceReplica;
import io.nagatha.support.config.ServiceConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Reads and writes the heartbeat records of every service's replicas. */
@ApplicationScoped
public class ServiceDirectory {

    private static final int MISSED_BEATS_BEFORE_GONE = 3;

    private final RedisDataSource redis;
    private final Duration staleAfter;

    ServiceDirectory(RedisDataSource redis, ServiceConfig config) {
        this.redis = redis;
        this.staleAfter = config.heartbeatInterval().multipliedBy(MISSED_BEATS_BEFORE_GONE);
    }

    /** Records the replica as alive now, and drops replicas of the same service that stopped beating. */
    public void beat(ReplicaIdentity replica) {
        String key = Keys.serviceReplicas(replica.service());
        Instant now = Instant.now();
        var hash = redis.hash(String.class);
        hash.hset(key, replica.id(), Json.encode(new ServiceReplica(replica.id(), replica.startedAt(), now)));
        all(key).stream().filter(r -> isStale(r, now)).forEach(r -> hash.hdel(key, r.id()));
        // The key outlives the last replica only briefly: a service that is gone disappears from status.
        redis.key().pexpire(key, staleAfter.multipliedBy(2));
    }

    public void remove(ReplicaIdentity replica) {
        redis.hash(String.class).hdel(Keys.serviceReplicas(replica.service()), replica.id());
    }

    /** The replicas of a service that beat recently, oldest first. */
    public List<ServiceReplica> live(String service) {
        Instant now = Instant.now();
        return all(Keys.serviceReplicas(service)).stream()
                .filter(r -> !isStale(r, now))
                .sorted(Comparator.comparing(ServiceReplica::startedAt))
                .toList();
    }

    private List<ServiceReplica> all(String key) {
        Map<String, String> raw = redis.hash(String.class).hgetall(key);
        return raw.values().stream().map(v -> Json.decode(v, ServiceReplica.class)).toList();
    }

    private boolean isStale(ServiceReplica replica, Instant now) {
        return replica.lastSeen().plus(staleAfter).isBefore(now);
    }
}
