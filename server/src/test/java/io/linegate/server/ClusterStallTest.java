package io.linegate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linegate.store.ApiRequestLog;
import io.linegate.store.Cluster;
import io.linegate.store.Store;
import io.linegate.store.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server processes on one PostgreSQL store and a steady stream of webhooks for many users,
 * each event's handler pushing one message with the event's retry key; one node is stopped with
 * SIGSTOP (a long GC pause, a frozen VM) for two lease times, then continued: the node whose pause
 * hurts most, the one holding a lease on a task done for all nodes (if one does). The two healthy nodes
 * keep delivering their own conversations without a pause (no gap of 2 s), take the stopped node's
 * partitions after its lease, no user gets a message twice, and nothing acknowledged is lost. (Every
 * attempt of a send checks the lease just before it goes to the HTTP client; an attempt the stop caught
 * between that check and the socket can still reach LINE after SIGCONT, where its retry key answers 409.
 * Nothing in a process can fence bytes it is about to write, so the test allows such repeats when LINE
 * refused them, and prints how many there were: 0 in the runs since the check moved to every attempt.)
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClusterStallTest {
    static final Duration LEASE = Duration.ofSeconds(3);
    static final int USERS = 200;
    static final Duration EVERY = Duration.ofMillis(20); // 50 webhooks a second
    /** Each handler works this long before its push, so that the stop finds handlers under way, as in production. */
    static final long HANDLER_MILLIS = 100;

    @TempDir
    Path dir;

    @Test
    void aStoppedNodeHoldsUpNoOtherAndNoUserGetsAMessageTwice() throws Exception {
        String location = TestPostgres.server().newDatabase();
        Instant began = Instant.now();
        try (PushCluster cluster = new PushCluster(dir, location, LEASE)) {
            ExecutorService boot = Executors.newFixedThreadPool(3);
            List<Future<PushCluster.Node>> booting = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                booting.add(boot.submit(() -> cluster.start(name, HANDLER_MILLIS)));
            }
            List<PushCluster.Node> nodes = new ArrayList<>();
            for (Future<PushCluster.Node> f : booting) {
                nodes.add(f.get(120, TimeUnit.SECONDS));
            }
            boot.shutdown();
            try (Store observer = Store.open(location, Store.Options.defaults().create(false))) {
                check(cluster, nodes, observer, began);
            }
        }
    }

    /**
     * The node whose pause would hurt the others most: the one holding a lease of a task done for all
     * (today the splitter's, in the {@code leases} table), if one does; else the last one started.
     */
    static PushCluster.Node worstToStop(String location, List<PushCluster.Node> nodes) throws Exception {
        Properties props = new Properties();
        String password = TestPostgres.server().password();
        if (password != null && !password.isEmpty()) {
            props.setProperty("password", password);
        }
        try (Connection c = DriverManager.getConnection("jdbc:" + location, props); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT holder FROM leases")) {
            while (rs.next()) {
                String holder = rs.getString(1);
                for (PushCluster.Node n : nodes) {
                    if (holder != null && holder.contains("/" + n.pid() + "/")) {
                        return n;
                    }
                }
            }
        } catch (SQLException e) {
            // no such table: no task is leased to one node
        }
        return nodes.get(nodes.size() - 1);
    }

    void check(PushCluster cluster, List<PushCluster.Node> nodes, Store observer, Instant began) throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(observer.cluster().nodes())
                .hasSize(3).allSatisfy(n -> assertThat(n.partitions().size()).isBetween(20, 22)));

        List<PushCluster.Node> targets = new CopyOnWriteArrayList<>(nodes);
        PushCluster.Stream stream = cluster.stream(targets, USERS, EVERY);
        // Sanity: webhooks are acknowledged, handled and pushed by every node before anything is stopped.
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.effects().stream().map(PushCluster.Effect::node)
                    .collect(Collectors.toSet()).size() == 3);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the harness: not every node pushed; " + stream.acked.size() + " acknowledged, "
                    + cluster.line.pushes.size() + " pushes\n" + cluster.problems(), e);
        }
        Thread.sleep(3_000);
        PushCluster.Node victim = worstToStop(cluster.location, nodes);
        String victimTag = "/" + victim.pid() + "/";

        // Who owns which conversation right now: who handled it last.
        Map<String, String> handlerOf = cluster.effects().stream().collect(Collectors.toMap(
                e -> e.sourceKey().substring("user:".length()), PushCluster.Effect::node, (x, y) -> y));
        Set<String> victims = handlerOf.entrySet().stream().filter(e -> e.getValue().equals(victim.name()))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        Set<String> healthy = new HashSet<>(handlerOf.keySet());
        healthy.removeAll(victims);
        assertThat(victims).as("conversations of the node to be stopped").isNotEmpty();
        assertThat(healthy).as("conversations of the healthy nodes").hasSizeGreaterThan(USERS / 3);

        // LINE stops sending to the node about to stop (its requests would time out), then it stops.
        targets.remove(victim);
        Thread.sleep(300);
        long stoppedAt = System.nanoTime();
        long stoppedAtMillis = System.currentTimeMillis();
        PushCluster.signal("STOP", victim.pid());
        boolean takenOver = false;
        long takenOverAt = 0;
        while (System.nanoTime() - stoppedAt < LEASE.multipliedBy(2).toNanos()) {
            List<Cluster.Node> live = observer.cluster().nodes();
            int heldByHealthy = live.stream().filter(n -> !n.id().contains(victimTag))
                    .mapToInt(n -> n.partitions().size()).sum();
            if (!takenOver && heldByHealthy == observer.cluster().partitions()) {
                takenOver = true;
                takenOverAt = System.nanoTime();
            }
            Thread.sleep(100);
        }
        long continuedAt = System.nanoTime();
        long continuedAtMillis = System.currentTimeMillis();
        PushCluster.signal("CONT", victim.pid());
        targets.add(victim);
        Thread.sleep(5_000);
        stream.close();
        assertThat(stream.acked).as("webhooks acknowledged").hasSizeGreaterThan(500);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> observer.journal().pendingCount() == 0);
        Thread.sleep(1_000); // a resumed node's late sends, if any, arrive

        List<LineRecorder.Push> pushes = List.copyOf(cluster.line.pushes);
        List<PushCluster.Effect> effects = cluster.effects();
        double healthyGap = cluster.longestGap(stoppedAt, continuedAt, healthy::contains);
        double anyGap = cluster.longestGap(stoppedAt, continuedAt, to -> true);
        long firstTakenOver = effects.stream().filter(e -> !e.node().equals(victim.name()) && e.at() >= stoppedAtMillis
                        && victims.contains(e.sourceKey().substring("user:".length())))
                .mapToLong(PushCluster.Effect::at).min().orElse(Long.MAX_VALUE);
        Map<String, Long> pushesPerEvent = pushes.stream().collect(Collectors.groupingBy(LineRecorder.Push::text,
                Collectors.counting()));
        List<String> pushedTwice = pushesPerEvent.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey).toList();
        long refused409 = pushes.stream().filter(p -> p.status() == 409).count();
        List<PushCluster.Effect> lateByVictim = effects.stream().filter(e -> e.node().equals(victim.name())
                && e.at() >= continuedAtMillis && pushesPerEvent.getOrDefault(e.eventId(), 0L) > 1).toList();
        Map<String, Long> handlersPerEvent = effects.stream().collect(Collectors.groupingBy(PushCluster.Effect::eventId,
                Collectors.counting()));
        long handledTwice = handlersPerEvent.values().stream().filter(n -> n > 1).count();
        Set<String> lost = new HashSet<>(stream.acked.keySet());
        lost.removeAll(pushes.stream().filter(p -> p.status() == 200).map(LineRecorder.Push::text).toList());
        List<ApiRequestLog.ApiCall> logged = observer.apiRequests().query(began, 0, 999, null, 1_000_000).stream()
                .filter(c -> c.endpoint().contains("/message/push")).toList();
        long logged409 = logged.stream().filter(c -> c.status() == 409).count();
        Map<Integer, Long> byStatus = pushes.stream().collect(Collectors.groupingBy(LineRecorder.Push::status,
                Collectors.counting()));

        System.out.printf("FIGURES stall (stopped: %s): %d acknowledged (%d refused and sent again), %d pushes at LINE %s, %d in the "
                        + "API log (%d of them 409); healthy conversations %d, the stopped node's %d; longest gap of the "
                        + "healthy ones while stopped %.2f s (any conversation %.2f s); all partitions held by the healthy "
                        + "nodes %s s after SIGSTOP; first handler run by another node for the stopped node's conversations %s s after SIGSTOP; "
                        + "events pushed more than once %d, handled more than once %d, handled by the resumed node after "
                        + "SIGCONT and pushed twice %d; acknowledged and never pushed %d%n",
                victim.name(), stream.acked.size(), stream.refused.get(), pushes.size(), byStatus, logged.size(), logged409,
                healthy.size(), victims.size(), healthyGap, anyGap,
                takenOver ? String.format("%.2f", (takenOverAt - stoppedAt) / 1e9) : "never (within two leases)",
                firstTakenOver == Long.MAX_VALUE ? "never" : String.format("%.2f", (firstTakenOver - stoppedAtMillis) / 1e3),
                pushedTwice.size(), handledTwice, lateByVictim.size(), lost.size());

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(healthyGap).as("(a) longest gap, in seconds, between deliveries of the healthy nodes' "
                + "conversations while a node was stopped").isLessThan(2.0);
        softly.assertThat(takenOver).as("(b) the healthy nodes hold all partitions within two leases of the stop")
                .isTrue();
        softly.assertThat((firstTakenOver - stoppedAtMillis) / 1e3).as("(b) seconds until the stopped node's conversations "
                + "are delivered by another node").isLessThan(LEASE.multipliedBy(2).toSeconds());
        // (c) no user gets a message twice. A handler the resumed node was running when it was stopped re-checks its
        // lease before every attempt; an attempt already past that check when the stop came may still reach LINE
        // after SIGCONT, answered 409 by its retry key.
        Map<String, Long> acceptedPerEvent = pushes.stream().filter(p -> p.status() == 200)
                .collect(Collectors.groupingBy(LineRecorder.Push::text, Collectors.counting()));
        softly.assertThat(acceptedPerEvent.values()).as("(c) events whose push LINE accepted more than once")
                .allMatch(n -> n == 1);
        softly.assertThat(refused409).as("(c) pushes answered 409 at the emulator and in the API request log")
                .isEqualTo(logged409);
        softly.assertThat((long) pushedTwice.size()).as("(c) events pushed twice, each repeat answered 409")
                .isLessThanOrEqualTo(refused409);
        softly.assertThat(lost).as("(d) acknowledged events whose push never reached LINE").isEmpty();
        softly.assertThat(logged).as("every push attempt in the API request log").hasSize(pushes.size());
        softly.assertAll();
    }
}
