package io.nagatha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.Keys;
import io.nagatha.contracts.StreamFields;
import io.nagatha.testing.RedisServer;
import io.nagatha.testing.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two session-service replicas, two gateways (one in front of each) and an agent; 200 clients at
 * once attach, post and detach on the same 10 sessions. Afterwards every session's interface set,
 * counters, history and event stream agree with what the clients did, exactly.
 */
class SessionConcurrencyIT {

    private static final int CLIENTS = 200;
    private static final int SESSIONS = 10;
    private static final int POSTS_PER_CLIENT = 2;

    static RedisServer redis;
    static NagathaProcesses nagatha;
    static List<Http> gateways = new ArrayList<>();

    @BeforeAll
    static void start() {
        nagatha = NagathaProcesses.onNewRedis();
        redis = nagatha.redis();
        ServiceProcess sessionA = nagatha.replica("session-service", Map.of());
        ServiceProcess sessionB = nagatha.replica("session-service", Map.of());
        nagatha.replica("agent-service", Map.of());
        for (ServiceProcess session : List.of(sessionA, sessionB)) {
            ServiceProcess gateway = nagatha.replica("gateway", Map.of("nagatha.session-service.url", session.url()));
            // A burst of 200 on a loaded machine may meet a 503 (a session-service call over its
            // timeout is not retried inside, so the burst does not amplify itself): the clients
            // retry as the API asks; every request they make is safe to repeat.
            gateways.add(Http.gateway(gateway.url(), nagatha.adminKey()).retryingUnavailable(3));
        }
    }

    @AfterAll
    static void stop() {
        if (nagatha != null) {
            nagatha.close();
        }
    }

    @Test
    void twoHundredClientsOnTenSessionsLeaveConsistentData() throws Exception {
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            Http.Reply created = gateways.get(i % 2).post("/api/v1/sessions", Map.of("interface", "api", "mode", "new"));
            assertThat(created.status()).isEqualTo(201);
            sessions.add(created.body().get("id").asText());
        }

        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<Integer>>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.add(pool.submit(() -> {
                Http gateway = gateways.get(client % 2);
                Http other = gateways.get((client + 1) % 2);
                String session = "/api/v1/sessions/" + sessions.get(client % SESSIONS);
                String iface = "c" + client;
                List<Integer> statuses = new ArrayList<>();
                go.await();
                statuses.add(gateway.post(session + "/interfaces", Map.of("interface", iface)).status());
                for (int p = 0; p < POSTS_PER_CLIENT; p++) {
                    statuses.add(other.post(session + "/messages", Map.of("content", iface + " says " + p, "interface", iface,
                            "idempotencyKey", iface + "-" + p)).status());
                }
                statuses.add(other.delete(session + "/interfaces/" + iface).status());
                if (client % 3 == 0) { // a third come back and stay
                    statuses.add(gateway.post(session + "/interfaces", Map.of("interface", iface)).status());
                }
                return statuses;
            }));
        }
        go.countDown();
        for (Future<List<Integer>> client : clients) {
            assertThat(client.get()).allMatch(status -> status == 200 || status == 202);
        }
        pool.shutdown();
        System.out.printf("SessionConcurrencyIT: 503 answers met (each retried while retries were left): %d%n",
                gateways.stream().mapToInt(Http::unavailableAnswers).sum());

        int turnsPerSession = CLIENTS / SESSIONS * POSTS_PER_CLIENT;
        for (int s = 0; s < SESSIONS; s++) {
            String id = sessions.get(s);
            Set<String> expected = new TreeSet<>(List.of("api"));
            for (int c = s; c < CLIENTS; c += SESSIONS) {
                if (c % 3 == 0) {
                    expected.add("c" + c);
                }
            }
            await("turns of " + id).atMost(Duration.ofSeconds(90)).until(
                    () -> gateways.get(0).get("/api/v1/sessions/" + id).body().get("messageCount").asInt() == 2 * turnsPerSession);
            JsonNode session = gateways.get(1).get("/api/v1/sessions/" + id).body();
            Set<String> attached = new TreeSet<>();
            session.get("interfaces").forEach(i -> attached.add(i.get("type").asText()));
            assertThat(attached).as("interfaces of " + id).isEqualTo(expected);
            assertThat(redis.command("XLEN " + Keys.history(id))).isEqualTo(String.valueOf(2 * turnsPerSession));
            assertThat(redis.command("HLEN " + Keys.sessionInterfaces(id))).isEqualTo(String.valueOf(expected.size()));

            Map<String, Integer> counts = new HashMap<>();
            List<String> lastPresence = new ArrayList<>();
            for (Event event : events(id)) {
                counts.merge(event.type(), 1, Integer::sum);
                if (event.type().equals("presence")) {
                    lastPresence.clear();
                    event.data().get("interfaces").forEach(t -> lastPresence.add(t.asText()));
                }
            }
            assertThat(counts.get("turn.accepted")).as("turn.accepted of " + id).isEqualTo(turnsPerSession);
            assertThat(counts.get("turn.completed")).as("turn.completed of " + id).isEqualTo(turnsPerSession);
            assertThat(counts.get("message")).as("message of " + id).isEqualTo(turnsPerSession);
            // Presence events are written in the same step as the change: the last one is the final set.
            assertThat(new TreeSet<>(lastPresence)).as("last presence of " + id).isEqualTo(expected);
            // Each client's attach and detach changed the set once; re-attaches once more.
            int changes = CLIENTS / SESSIONS * 2 + (int) expected.stream().filter(t -> !t.equals("api")).count();
            assertThat(counts.get("presence")).as("presence events of " + id).isEqualTo(changes);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Event> events(String sessionId) {
        List<Event> out = new ArrayList<>();
        for (Object entry : (List<Object>) redis.call("XRANGE", Keys.events(sessionId), "-", "+")) {
            List<Object> idAndFields = (List<Object>) entry;
            List<Object> fields = (List<Object>) idAndFields.get(1);
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if (StreamFields.EVENT.equals(fields.get(i))) {
                    out.add(Event.decode((String) idAndFields.get(0), (String) fields.get(i + 1)));
                }
            }
        }
        return out;
    }
}
