package io.linegate.server;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linegate.core.Ulid;
import io.linegate.core.WebhookSignature;
import io.linegate.store.Cluster;
import io.linegate.store.Store;
import io.linegate.store.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server processes on one PostgreSQL store, webhooks spread over all of them: each user's
 * events are handled one at a time and in order, whichever node received them; one node is killed
 * with SIGKILL in the middle of the burst and the others take its partitions over; every
 * acknowledged event is handled, with the counters committed with the done-mark at exactly 1; a
 * node that joins gets its share; a user muted through one node's admin API is muted on all.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClusterTest {
    static final Duration LEASE = Duration.ofSeconds(3);
    static final int USERS = 48;
    static final int PER_USER = 50;

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final List<Node> started = new ArrayList<>();
    String location;

    record Node(String name, Process process, int port, int adminPort, Path effects) {
        URI webhook() {
            return URI.create("http://127.0.0.1:" + port + "/webhook");
        }
    }

    Node start(String name) throws Exception {
        Path portFile = dir.resolve(name + ".port");
        Path effects = dir.resolve(name + ".effects");
        Process p = ChildJvm.start(ClusterTestBot.class, dir.resolve(name + ".log"), List.of("-Xmx192m"),
                location, name, portFile.toString(), effects.toString(), LEASE.toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(portFile) && !Files.readString(portFile).isEmpty());
        String[] ports = Files.readString(portFile).trim().split(" ");
        Node node = new Node(name, p, Integer.parseInt(ports[0]), Integer.parseInt(ports[1]), effects);
        started.add(node);
        return node;
    }

    @AfterEach
    void stop() throws Exception {
        for (Node n : started) {
            n.process().destroy();
        }
        for (Node n : started) {
            if (!n.process().waitFor(30, TimeUnit.SECONDS)) {
                n.process().destroyForcibly();
            }
        }
    }

    /** What a failure needs to be understood: what is left, who holds what, and the nodes' logs. */
    void diagnose(Store observer, List<Node> nodes) throws Exception {
        System.out.println("DIAG pending " + observer.journal().pendingCount() + " backlog " + observer.cluster().backlog());
        System.out.println("DIAG inbox " + observer.journal().inbox(0, 5).size() + " entries");
        observer.journal().pending(0, 20).forEach(e -> System.out.println("DIAG event " + e.seq() + " " + e.lane() + " part "
                + e.partition() + " attempts " + e.attempts()));
        observer.cluster().nodes().forEach(n -> System.out.println("DIAG node " + n.id() + " " + n.partitions()));
        for (Node n : nodes) {
            Path log = dir.resolve(n.name() + ".log");
            List<String> lines = Files.readAllLines(log);
            System.out.println("DIAG log of " + n.name() + " (" + lines.size() + " lines):");
            lines.stream().filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("Exception"))
                    .limit(60).forEach(l -> System.out.println("DIAG   " + l));
        }
    }

    int send(Node node, String userId, String eventId, String text) {
        byte[] body = body(text(userId, eventId, text, false));
        try {
            return http.send(HttpRequest.newBuilder(node.webhook()).timeout(Duration.ofSeconds(5))
                            .header("x-line-signature", WebhookSignature.sign(ClusterTestBot.SECRET, body))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1; // the node is gone: like LINE, send it again elsewhere
        }
    }

    @Test
    void threeNodesKeepEachUsersOrderAndCountEveryEventOnceThroughAKill9AndANodeJoining() throws Exception {
        location = TestPostgres.server().newDatabase();
        ExecutorService boot = Executors.newFixedThreadPool(3);
        List<Future<Node>> booting = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            booting.add(boot.submit(() -> start(name)));
        }
        List<Node> nodes = new ArrayList<>();
        for (Future<Node> f : booting) {
            nodes.add(f.get(90, TimeUnit.SECONDS));
        }
        boot.shutdown();
        Node victim = nodes.get(2);

        try (Store observer = Store.open(location, Store.Options.defaults().create(false))) {
            // Within a few heartbeats the three share the 64 partitions fairly.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<Cluster.Node> live = observer.cluster().nodes();
                assertThat(live).hasSize(3).allSatisfy(n -> assertThat(n.partitions().size()).isBetween(20, 22));
            });

            // Each sender thread owns some users and sends their events in order, spread over the live nodes;
            // a send that fails (its node was killed) is sent again to another node, as LINE redelivers.
            List<Node> live = new CopyOnWriteArrayList<>(nodes);
            Map<String, String> acked = new ConcurrentHashMap<>(); // event id -> user
            AtomicInteger sent = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(8);
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                work.add(senders.submit(() -> {
                    for (int k = 1; k <= PER_USER; k++) {
                        for (int u = thread; u < USERS; u += 8) {
                            String userId = user(u);
                            String id = Ulid.next();
                            for (int attempt = 0; ; attempt++) {
                                List<Node> now = List.copyOf(live);
                                Node to = now.get(Math.floorMod(sent.getAndIncrement(), now.size()));
                                if (send(to, userId, id, String.valueOf(k)) == 200) {
                                    acked.put(id, userId);
                                    break;
                                }
                                assertThat(attempt).as("attempts to deliver %s", id).isLessThan(50);
                                Thread.sleep(50);
                            }
                        }
                    }
                    return null;
                }));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= USERS * PER_USER / 3);
            victim.process().destroyForcibly(); // SIGKILL
            live.remove(victim);
            long killedAt = System.nanoTime();
            assertThat(victim.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(victim.process().exitValue()).isEqualTo(137);
            for (Future<?> w : work) {
                w.get(180, TimeUnit.SECONDS);
            }
            senders.shutdown();
            assertThat(acked).hasSize(USERS * PER_USER);

            // The survivors take the dead node's partitions over after its lease and handle everything.
            try {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                        .until(() -> observer.journal().pendingCount() == 0);
            } catch (ConditionTimeoutException e) {
                diagnose(observer, nodes);
                throw e;
            }
            System.out.printf("cluster test: %d events, all handled %.1f s after the kill (lease %s)%n", acked.size(),
                    (System.nanoTime() - killedAt) / 1e9, LEASE);
            assertThat(observer.cluster().nodes()).extracting(Cluster.Node::id).hasSize(2);

            List<String[]> handled = new ArrayList<>();
            for (Node n : nodes) {
                for (String line : Files.readAllLines(n.effects())) {
                    handled.add(line.split(" "));
                }
            }
            assertThat(handled).as("an event handled out of its user's order").noneMatch(l -> l.length > 4);
            Map<String, List<String>> handledBy = new HashMap<>();
            for (String[] l : handled) {
                handledBy.computeIfAbsent(l[1], k -> new ArrayList<>()).add(l[0]);
            }
            assertThat(handledBy.keySet()).containsAll(acked.keySet()); // at least once
            handledBy.forEach((id, by) -> assertThat(by.size() == 1 || by.contains(victim.name()))
                    .as("%s handled by %s: twice, and not because a node died while handling it", id, by).isTrue());
            Set<String> byAll = new HashSet<>();
            handled.forEach(l -> byAll.add(l[0]));
            assertThat(byAll).as("every node handled some events").containsExactlyInAnyOrder("a", "b", "c");
            for (int u = 0; u < USERS; u++) {
                Map<String, String> state = observer.conversations().state("user:" + user(u));
                assertThat(state.get("last")).isEqualTo(String.valueOf(PER_USER));
                state.forEach((key, value) -> {
                    if (key.startsWith("n:")) {
                        assertThat(value).as("%s counted with its done-mark", key).isEqualTo("1");
                    }
                });
                assertThat(state.keySet().stream().filter(k -> k.startsWith("n:"))).hasSize(PER_USER);
            }

            // A node that joins takes its share from the others, which drain and give partitions back.
            Node joined = start("d");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(observer.cluster().nodes())
                    .hasSize(3).allSatisfy(n -> assertThat(n.partitions().size()).isBetween(20, 22)));

            // Muted through one node's admin API, a user is muted on every node within a second.
            String muted = user(0);
            HttpResponse<String> mute = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodes.get(0).adminPort()
                            + "/admin/mute/" + muted)).header("Authorization", "Bearer " + ClusterTestBot.ADMIN.reveal())
                    .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(mute.statusCode()).isEqualTo(200);
            Thread.sleep(1_000); // the promise under test: every node re-reads the switches within a second
            String quiet = Ulid.next();
            String heard = Ulid.next();
            for (Node n : List.of(nodes.get(1), joined)) {
                assertThat(send(n, muted, quiet + n.name(), String.valueOf(PER_USER + 1))).isEqualTo(200);
                assertThat(send(n, user(1), heard + n.name(), String.valueOf(PER_USER + (n == joined ? 2 : 1)))).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> observer.journal().pendingCount() == 0);
            List<String> all = new ArrayList<>();
            for (Node n : List.of(nodes.get(0), nodes.get(1), joined)) {
                all.addAll(Files.readAllLines(n.effects()));
            }
            assertThat(all).anyMatch(l -> l.contains(heard + "b")).anyMatch(l -> l.contains(heard + "d"));
            assertThat(all).noneMatch(l -> l.contains(quiet));
        }
    }
}
