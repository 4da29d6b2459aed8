package io.linegate.cli;

import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linegate.core.Ulid;
import io.linegate.server.LineRecorder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka journal's guarantees under faults, on three real KRaft brokers (replication factor 3,
 * {@code min.insync.replicas=2}) and linegate nodes as child JVMs running {@code linegate serve --journal
 * kafka://...} on one PostgreSQL store, counting what reaches LINE where it arrives. The cases share the
 * brokers, the store and the nodes, in order: a redelivery at another node, a node killed, a node joining
 * and one leaving, a node paused, a partition leader's broker killed. Every case checks every event it
 * had acknowledged: handled, its push accepted by LINE exactly once, its conversation's {@code state()}
 * counter raised exactly once, each conversation in order.
 *
 * <p>The group's session timeout is 3 s here (set with {@code --kafka-properties session.timeout.ms=3000};
 * the brokers allow sessions from 0.5 s), so that a dead or paused node's partitions move within seconds.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaClusterTest {
    static final Duration SESSION = Duration.ofSeconds(3);
    static final Duration EVERY = Duration.ofMillis(20);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // the nodes' logs stay for a failure
    static Path dir;
    static KafkaNodes cluster;
    static KafkaNodes.Node a;
    static KafkaNodes.Node b;
    static KafkaNodes.Node c;

    @BeforeAll
    static void start() throws Exception {
        cluster = new KafkaNodes(dir, SESSION);
        ExecutorService boot = Executors.newFixedThreadPool(3);
        List<Future<KafkaNodes.Node>> booting = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            booting.add(boot.submit(() -> cluster.start(name)));
        }
        a = booting.get(0).get(3, TimeUnit.MINUTES);
        b = booting.get(1).get(3, TimeUnit.MINUTES);
        c = booting.get(2).get(3, TimeUnit.MINUTES);
        boot.shutdown();
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aWebhookRedeliveredToOtherNodesIsHandledOnce() throws Exception {
        String userId = user(900);
        String id = Ulid.next();
        assertThat(cluster.send(a, text(userId, id, "x", false))).isEqualTo(200);
        // LINE's redeliveries of the same event, to the two other nodes, one of them with a new event beside it.
        String beside = Ulid.next();
        assertThat(cluster.send(b, text(userId, id, "x", true))).isEqualTo(200);
        assertThat(cluster.send(c, text(userId, id, "x", true), text(userId, beside, "x", false))).isEqualTo(200);
        // One conversation is one partition, handled in order: once an event sent after the copies is handled,
        // every copy was read before it.
        String after = Ulid.next();
        assertThat(cluster.send(a, text(userId, after, "x", false))).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> stateOf(userId).containsKey("n:" + after));

        assertThat(cluster.pushesPerEvent(p -> p.to().equals(userId))).as("pushes that reached LINE, per event")
                .isEqualTo(Map.of(id, 1L, beside, 1L, after, 1L));
        Map<String, String> state = stateOf(userId);
        assertThat(state).as("state() of the conversation").containsEntry("count", "3").containsEntry("n:" + id, "1");
    }

    @Test
    @Order(2)
    void aNodeKilledMidBurstLosesNothingAndItsPartitionsAreHandledAgainWithinTheSessionTimeoutPlusTwoSeconds()
            throws Exception {
        List<KafkaNodes.Node> targets = new CopyOnWriteArrayList<>(List.of(a, b, c));
        long killedAt;
        Set<String> cUsers;
        KafkaNodes.Webhooks burst = cluster.stream(targets, 1, 40, EVERY);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> burst.acked.size() >= 250);
            cUsers = usersLastHandledBy(c.name(), 1, 40);
            assertThat(cUsers).as("conversations the node to be killed handles").isNotEmpty();
            KafkaNodes.signal("KILL", c.pid());
            killedAt = System.nanoTime();
            targets.remove(c); // LINE's redeliveries of what it refused went to the next node already
            await().atMost(Duration.ofSeconds(60)).until(() -> System.nanoTime() - killedAt > TimeUnit.SECONDS.toNanos(10));
        } finally {
            burst.close();
        }
        assertThat(c.process().waitFor(10, TimeUnit.SECONDS)).isTrue();

        handledOnceInOrder(burst);
        double gap = cluster.longestGap(killedAt, killedAt + TimeUnit.SECONDS.toNanos(9), cUsers::contains);
        System.out.printf("kill -9: the dead node's %d conversations had no push for %.2f s (session timeout %s)%n",
                cUsers.size(), gap, SESSION);
        assertThat(gap).as("seconds without a push for the dead node's conversations after its kill -9")
                .isLessThanOrEqualTo(SESSION.toMillis() / 1000.0 + 2.0);
    }

    @Test
    @Order(3)
    void aNodeJoiningMidLoadGetsPartitionsAndOneLeavingHandsThemOverWithoutAGapOverTwoSeconds() throws Exception {
        List<KafkaNodes.Node> targets = new CopyOnWriteArrayList<>(List.of(a, b));
        KafkaNodes.Node d;
        long leftAt;
        Set<String> dUsers;
        KafkaNodes.Webhooks load = cluster.stream(targets, 41, 40, EVERY);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> load.acked.size() >= 100);
            d = cluster.start("d");
            targets.add(d);
            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.effects().stream().anyMatch(e -> e.node().equals("d")));
            await().atMost(Duration.ofSeconds(60)).until(() -> load.ackTimes.size() >= 300
                    && !usersLastHandledBy("d", 41, 40).isEmpty());
            await().pollDelay(Duration.ofSeconds(2)).until(() -> true); // the load goes on while d holds its partitions
            dUsers = usersLastHandledBy("d", 41, 40);
            targets.remove(d);
            KafkaNodes.signal("TERM", d.pid());
            leftAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).until(() -> System.nanoTime() - leftAt > TimeUnit.SECONDS.toNanos(8));
        } finally {
            load.close();
        }
        assertThat(d.process().waitFor(30, TimeUnit.SECONDS)).as("the node stopped on SIGTERM").isTrue();

        handledOnceInOrder(load);
        assertThat(dUsers).as("conversations the joining node took").isNotEmpty();
        double gap = cluster.longestGap(leftAt, leftAt + TimeUnit.SECONDS.toNanos(7), dUsers::contains);
        System.out.printf("graceful leave: the leaving node's %d conversations had no push for %.2f s%n", dUsers.size(), gap);
        assertThat(gap).as("seconds without a push for the leaving node's conversations after its SIGTERM")
                .isLessThanOrEqualTo(2.0);
    }

    @Test
    @Order(4)
    void aNodePausedPastItsSessionTimeoutSendsAndCommitsNothingForThePartitionsItLost() throws Exception {
        List<KafkaNodes.Node> targets = new CopyOnWriteArrayList<>(List.of(a, b));
        // A backlog in every conversation first (webhooks of 15 events each), so that the node paused holds events
        // fetched and not yet handled, and handlers in flight.
        KafkaNodes.Webhooks load = cluster.stream(targets, 121, 12, EVERY);
        try {
            List<String> backlog = new ArrayList<>();
            for (int u = 0; u < 12; u++) {
                String userId = user(121 + u);
                List<String> events = new ArrayList<>();
                for (int i = 0; i < 15; i++) {
                    String id = Ulid.next();
                    events.add(text(userId, id, "x", false));
                    backlog.add(id);
                }
                assertThat(cluster.send(u % 2 == 0 ? a : b, events.toArray(String[]::new))).isEqualTo(200);
            }
            KafkaNodes.signal("STOP", b.pid());
            long pausedAt = System.nanoTime();
            long pausedAtMillis = System.currentTimeMillis(); // b is stopped by now: a push b began before this began before the pause
            targets.remove(b);
            await().atMost(Duration.ofSeconds(60)).until(() -> System.nanoTime() - pausedAt > SESSION.toNanos() * 2);
            KafkaNodes.signal("CONT", b.pid());
            long resumedAt = System.nanoTime();
            long resumedAtMillis = System.currentTimeMillis();
            targets.add(b);
            await().atMost(Duration.ofSeconds(60)).until(() -> System.nanoTime() - resumedAt > TimeUnit.SECONDS.toNanos(5));
            load.close();
            await().atMost(Duration.ofSeconds(60)).until(() -> backlog.stream()
                    .allMatch(id -> cluster.pushesPerEvent(p -> p.status() == 200).containsKey(id)));
            // Committed once: the state() counts of the conversations (backlog and stream alike) first.
            handledOnceInOrder(load);

            // What the paused node sent once it ran again: nothing for a partition it had lost. An event it sent
            // again (LINE answering 409) must be of a partition the group gave it back after it joined again and that
            // it took in the store before that run (the run of another node that had the event in flight when the
            // partition moved back is fenced and repeated), or a push b had begun before the pause: its check passed
            // then, and the stop froze the request on its way out, which no check in b can prevent (LINE's retry key
            // does: the 409).
            Map<String, LineRecorder.Push> first = new HashMap<>();
            cluster.line.pushes.stream().sorted((x, y) -> Long.compare(x.atNanos(), y.atNanos()))
                    .forEach(p -> first.putIfAbsent(KafkaNodes.eventOf(p), p));
            List<String> sentAgain = cluster.line.pushes.stream()
                    .filter(p -> KafkaNodes.senderOf(p).equals(b.name()) && p.atNanos() >= resumedAt && first.get(KafkaNodes.eventOf(p)) != p)
                    .map(KafkaNodes::eventOf).distinct().toList();
            Map<Integer, List<Long>> retaken = takenSince(b, resumedAtMillis);
            List<KafkaNodes.Effect> runs = cluster.effects();
            List<String> sentForALostPartition = sentAgain.stream()
                    .filter(id -> runs.stream().anyMatch(e -> e.node().equals(b.name()) && e.eventId().equals(id)
                            && e.at() >= resumedAtMillis && e.pushAt() >= pausedAtMillis
                            && retaken.getOrDefault(partitionOf(e.sourceKey()), List.of()).stream().noneMatch(t -> t <= e.at())))
                    .toList();
            long begunBeforeThePause = sentAgain.stream().filter(id -> runs.stream().anyMatch(e -> e.node().equals(b.name())
                    && e.eventId().equals(id) && e.at() >= resumedAtMillis && e.pushAt() < pausedAtMillis)).count();
            assertThat(sentForALostPartition).as("events the paused node sent again after it resumed for partitions it had"
                    + " lost and not taken again: %s; logs in %s", describe(sentForALostPartition, pausedAt), dir).isEmpty();
            System.out.printf("pause: %d events sent again by the paused node after it resumed: %d of pushes it had begun"
                    + " before the pause, the others of partitions it took back%n", sentAgain.size(), begunBeforeThePause);
            Map<String, Long> accepted = cluster.pushesPerEvent(p -> p.status() == 200);
            assertThat(backlog.stream().filter(id -> accepted.get(id) != 1).toList()).as("backlog events accepted other than once")
                    .isEmpty();
            long refusedAsDuplicates = cluster.line.pushes.stream().filter(p -> p.status() == 409 && p.atNanos() >= pausedAt).count();
            System.out.printf("pause: %d pushes by the paused node after it resumed (first sends), %d sends again refused with"
                    + " 409 since the pause (by the node that took over: sent before the pause, not yet recorded)%n",
                    cluster.line.pushes.stream().filter(p -> KafkaNodes.senderOf(p).equals(b.name()) && p.atNanos() >= resumedAt)
                            .count(), refusedAsDuplicates);
        } finally {
            load.close();
        }
        assertThat(b.process().isAlive()).isTrue();
    }

    @Test
    @Order(5)
    void aPartitionLeadersBrokerKilledMidBurstLosesNothingAcknowledged() throws Exception {
        List<KafkaNodes.Node> targets = new CopyOnWriteArrayList<>(List.of(a, b));
        int leader = cluster.busiestLeader();
        long killedAt;
        int ackedBefore;
        KafkaNodes.Webhooks burst = cluster.stream(targets, 201, 40, EVERY);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> burst.acked.size() >= 150);
            killedAt = System.nanoTime();
            ackedBefore = burst.ackTimes.size();
            cluster.brokers.brokers().get(leader).shutdown();
            await().atMost(Duration.ofSeconds(60)).until(() -> System.nanoTime() - killedAt > TimeUnit.SECONDS.toNanos(10));
        } finally {
            burst.close();
        }
        long ackedAfter = burst.ackTimes.stream().filter(t -> t > killedAt).count();
        long ackedLate = burst.ackTimes.stream().filter(t -> t > killedAt + TimeUnit.SECONDS.toNanos(5)).count();
        System.out.printf("leader's broker %d killed: %d webhooks acknowledged before, %d in the 10 s after (%d in the last 5 s),"
                + " %d answers other than 200%n", leader, ackedBefore, ackedAfter, ackedLate, burst.refused.get());
        assertThat(ackedLate).as("webhooks acknowledged 5 to 10 s after the leader's broker died").isGreaterThan(20);
        handledOnceInOrder(burst);
    }

    /**
     * Every event the stream had acknowledged: its push accepted by LINE exactly once (a second push of an
     * event, with its retry key, is refused 409 and counted apart), its conversation's {@code state()}
     * counter raised exactly once (the conversation's count equals the events counted in it, each counted
     * once), each conversation's pushes in the order its webhooks were acknowledged.
     */
    private static void handledOnceInOrder(KafkaNodes.Webhooks w) throws Exception {
        Set<String> acked = Set.copyOf(w.acked.keySet());
        assertThat(acked).isNotEmpty();
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                Map<String, Long> accepted = cluster.pushesPerEvent(p -> p.status() == 200);
                return acked.stream().allMatch(accepted::containsKey) && counted(acked);
            });
        } catch (RuntimeException e) {
            Map<String, Long> accepted = cluster.pushesPerEvent(p -> p.status() == 200);
            throw new AssertionError(acked.stream().filter(id -> !accepted.containsKey(id)).count() + " of " + acked.size()
                    + " acknowledged events never reached LINE\n" + cluster.problems(), e);
        }
        Map<String, Long> accepted = cluster.pushesPerEvent(p -> p.status() == 200);
        assertThat(acked.stream().filter(id -> accepted.get(id) != 1).toList()).as("events LINE accepted more than once")
                .isEmpty();
        Map<String, Map<String, String>> states = cluster.states();
        for (String userId : w.ackedInOrder.keySet()) {
            Map<String, String> s = states.getOrDefault("user:" + userId, Map.of());
            long counted = s.keySet().stream().filter(k -> k.startsWith("n:")).count();
            assertThat(s.get("count")).as("state() count of " + userId).isEqualTo(String.valueOf(counted));
            assertThat(s.entrySet().stream().filter(e -> e.getKey().startsWith("n:") && !e.getValue().equals("1")).toList())
                    .as("events of " + userId + " counted more than once in state()").isEmpty();
        }
        // Order: per conversation, the first accepted push of each acknowledged event, by arrival.
        Map<String, List<String>> arrived = cluster.line.pushes.stream()
                .filter(p -> p.status() == 200 && acked.contains(KafkaNodes.eventOf(p)))
                .sorted((x, y) -> Long.compare(x.atNanos(), y.atNanos()))
                .collect(Collectors.groupingBy(LineRecorder.Push::to,
                        Collectors.mapping(KafkaNodes::eventOf, Collectors.collectingAndThen(
                                Collectors.toCollection(LinkedHashSet::new), ArrayList::new))));
        for (Map.Entry<String, List<String>> e : w.ackedInOrder.entrySet()) {
            assertThat(arrived.get(e.getKey())).as("pushes of " + e.getKey() + " in the order acknowledged")
                    .containsExactlyElementsOf(e.getValue());
        }
    }

    /** For a failure's message: each event's pushes (status, seconds after {@code sinceNanos}) and handler runs. */
    private static String describe(List<String> ids, long sinceNanos) throws Exception {
        List<KafkaNodes.Effect> effects = cluster.effects();
        StringBuilder out = new StringBuilder();
        for (String id : ids) {
            out.append('\n').append(id).append(" pushes ");
            cluster.line.pushes.stream().filter(p -> KafkaNodes.eventOf(p).equals(id)).forEach(p -> out.append(p.status())
                    .append(" by ").append(KafkaNodes.senderOf(p)).append('@')
                    .append(String.format("%.2f", (p.atNanos() - sinceNanos) / 1e9)).append("s "));
            out.append("runs ");
            effects.stream().filter(e -> e.eventId().equals(id)).forEach(e -> out.append(e.node()).append('@').append(e.at())
                    .append(' '));
        }
        return out.toString();
    }

    /** The events topic's partition of a conversation (the producer's default partitioner for a keyed record). */
    private static int partitionOf(String conversation) {
        return Utils.toPositive(Utils.murmur2(conversation.getBytes(StandardCharsets.UTF_8))) % KafkaNodes.PARTITIONS;
    }

    /**
     * When {@code n} took each partition in the store since {@code sinceMillis}: its log's "took partition"
     * lines (the log's time of day, on the day of {@code sinceMillis}, or the next one past midnight).
     */
    private static Map<Integer, List<Long>> takenSince(KafkaNodes.Node n, long sinceMillis) throws Exception {
        Pattern took = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*took partition (\\d+) of ");
        ZoneId zone = ZoneId.systemDefault();
        LocalDate day = Instant.ofEpochMilli(sinceMillis).atZone(zone).toLocalDate();
        Map<Integer, List<Long>> taken = new HashMap<>();
        for (String line : Files.readAllLines(n.log())) {
            Matcher m = took.matcher(line);
            if (!m.find()) {
                continue;
            }
            long at = LocalTime.parse(m.group(1)).atDate(day).atZone(zone).toInstant().toEpochMilli();
            if (at < sinceMillis - TimeUnit.HOURS.toMillis(12)) {
                at += TimeUnit.DAYS.toMillis(1);
            }
            if (at >= sinceMillis) {
                taken.computeIfAbsent(Integer.parseInt(m.group(2)), k -> new ArrayList<>()).add(at);
            }
        }
        return taken;
    }

    /** Whether every event of {@code ids} is counted in its conversation's state. */
    private static boolean counted(Set<String> ids) throws Exception {
        Set<String> keys = cluster.states().values().stream().flatMap(m -> m.keySet().stream()).collect(Collectors.toSet());
        return ids.stream().allMatch(id -> keys.contains("n:" + id));
    }

    private static Map<String, String> stateOf(String userId) throws Exception {
        return cluster.states().getOrDefault("user:" + userId, Map.of());
    }

    /** Users {@code first..first+count-1} whose latest handler run so far was on {@code node}. */
    private static Set<String> usersLastHandledBy(String node, int first, int count) throws Exception {
        Set<String> users = new LinkedHashSet<>();
        for (int u = first; u < first + count; u++) {
            users.add(user(u));
        }
        Map<String, KafkaNodes.Effect> latest = cluster.effects().stream().filter(e -> users.contains(e.sourceKey().substring(5)))
                .collect(Collectors.toMap(e -> e.sourceKey().substring(5), e -> e, (x, y) -> x.at() >= y.at() ? x : y));
        return latest.values().stream().filter(e -> e.node().equals(node)).map(e -> e.sourceKey().substring(5))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }
}
