package io.linegate.journal.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.webhook.ConversationKey;
import io.linegate.webhook.Dispatcher;
import io.linegate.webhook.EventHandler;
import io.linegate.webhook.Webhooks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * A partition the group takes back from a node while its handlers run (a node joins: cooperative
 * rebalancing) is handed over once those runs have ended and committed, so that the next holder never
 * runs an event the first is still running; for a bounded time only.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaHandoverTest extends OnOneBroker {
    private static int topics;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger loopLog = (Logger) LoggerFactory.getLogger(ConsumerLoop.class);

    {
        logs.list = new CopyOnWriteArrayList<>(); // the consumer's threads append while the test reads
    }

    @BeforeEach
    void listen() {
        loopLog.addAppender(logs);
        logs.start();
    }

    @AfterEach
    void stopListening() {
        loopLog.detachAppender(logs);
    }

    private KafkaLocation topic(int partitions) throws Exception {
        return brokers.topic("h" + (++topics), partitions);
    }

    private KafkaJournal journal(KafkaLocation where, String node, Duration handoverWait) {
        KafkaJournal j = KafkaJournal.builder(where, database).nodeId(node).sessionTimeout(Duration.ofSeconds(6))
                .handoverWait(handoverWait).start();
        open.add(j);
        return j;
    }

    private Dispatcher dispatcher(KafkaJournal j, RecordingLine line, EventHandler handler) {
        Dispatcher d = Dispatcher.builder(j.store(), handler).workers(8).outbound(line)
                .leases(Duration.ofSeconds(3), Duration.ofMillis(200)).build().start();
        open.add(() -> d.close(Duration.ofSeconds(5)));
        return d;
    }

    private static String lane(String user) {
        return ConversationKey.user(user).key();
    }

    /** The partition Kafka's producer puts a conversation's records in (its key's murmur2 hash). */
    private static int partitionOf(String user, int partitions) {
        return Utils.toPositive(Utils.murmur2(lane(user).getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private List<ILoggingEvent> logged(Level level, String containing) {
        return logs.list.stream().filter(e -> e.getLevel() == level && e.getFormattedMessage().contains(containing)).toList();
    }

    @Test
    void aPartitionTakenBackWhileItsHandlersRunGoesToTheJoiningNodeOnlyOnceTheyEndedSoEachEffectHappensOnce()
            throws Exception {
        KafkaLocation where = topic(4);
        int users = 8;
        int each = 4;
        RecordingLine line = new RecordingLine();
        Map<String, AtomicInteger> effects = new ConcurrentHashMap<>(); // what a handler does outside LINE, per event
        Map<String, Set<String>> handledBy = new ConcurrentHashMap<>();
        AtomicInteger running = new AtomicInteger();
        EventHandler slow = ctx -> {
            running.incrementAndGet();
            try {
                effects.computeIfAbsent(ctx.eventId(), k -> new AtomicInteger()).incrementAndGet();
                ctx.push(List.of(new TextMessage(ctx.eventId())));
                Thread.sleep(1000); // the rebalance falls in here
                ctx.push(List.of(new TextMessage("and again"))); // a run in flight sends while its partition is handed over
                ctx.state().put("count", String.valueOf(Integer.parseInt(ctx.state().get("count").orElse("0")) + 1));
            } finally {
                running.decrementAndGet();
            }
        };
        KafkaJournal a = journal(where, "a", Duration.ofSeconds(5));
        dispatcher(a, line, ctx -> {
            handledBy.computeIfAbsent("a", k -> ConcurrentHashMap.newKeySet()).add(ctx.eventId());
            slow.handle(ctx);
        });
        for (int n = 0; n < each; n++) {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int u = 0; u < users; u++) {
                acks.add(a.store().journal().append(Webhooks.body(Webhooks.text(Webhooks.user(u), "e" + u + "-" + n,
                        String.valueOf(n), false)), Instant.now()));
            }
            for (var ack : acks) {
                ack.get(20, TimeUnit.SECONDS);
            }
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> running.get() >= users / 2);

        KafkaJournal b = journal(where, "b", Duration.ofSeconds(5));
        dispatcher(b, line, ctx -> {
            handledBy.computeIfAbsent("b", k -> ConcurrentHashMap.newKeySet()).add(ctx.eventId());
            slow.handle(ctx);
        });

        await().atMost(90, TimeUnit.SECONDS).untilAsserted(() -> {
            for (int u = 0; u < users; u++) {
                assertThat(database.conversations().state(lane(Webhooks.user(u))).get("count")).as("user " + u)
                        .contains(String.valueOf(each));
            }
        });
        assertThat(handledBy.get("b")).as("events handled by the node that joined").isNotEmpty();
        assertThat(effects).as("each event's effect outside LINE").hasSize(users * each);
        Map<String, Integer> twice = new TreeMap<>();
        effects.forEach((id, count) -> {
            if (count.get() != 1) {
                twice.put(id, count.get());
            }
        });
        assertThat(twice).as("events whose effect outside LINE happened more than once (and LINE answered %d pushes 409)",
                line.conflicts.get()).isEmpty();
        assertThat(line.accepted).as("pushes LINE accepted").hasSize(2 * users * each);
        assertThat(line.conflicts.get()).as("pushes LINE answered 409 (sent again)").isZero();
        // The move did fall on runs in flight (the test shows something), and they ended within the bound.
        assertThat(logged(Level.INFO, "once their handler runs in flight end")).as("a handover that waited for runs")
                .isNotEmpty();
        assertThat(logged(Level.WARN, "handed over after")).as("handovers past the bound").isEmpty();
    }

    @Test
    void aHandlerThatDoesNotEndWithinTheBoundDoesNotHoldTheHandoverPastIt() throws Exception {
        KafkaLocation where = topic(2);
        List<String> users = new ArrayList<>(); // one conversation in each partition
        for (int u = 0; users.size() < 2; u++) {
            String user = Webhooks.user(100 + u);
            if (partitionOf(user, 2) == users.size()) {
                users.add(user);
            }
        }
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger stuck = new AtomicInteger();
        Map<String, Integer> onB = new ConcurrentHashMap<>();
        RecordingLine line = new RecordingLine();
        KafkaJournal a = journal(where, "a", Duration.ofSeconds(1));
        dispatcher(a, line, ctx -> {
            stuck.incrementAndGet();
            release.await(); // far longer than the bound
        });
        for (String user : users) {
            a.store().journal().append(Webhooks.body(Webhooks.text(user, "stuck-" + user, "0", false)), Instant.now())
                    .get(20, TimeUnit.SECONDS);
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> stuck.get() == 2);

        KafkaJournal b = journal(where, "b", Duration.ofSeconds(1));
        dispatcher(b, line, ctx -> onB.merge(ctx.eventId(), 1, Integer::sum));
        open.add(release::countDown); // closed first after the test: the stuck handler ends

        // The joining node gets a partition and runs its event while the first node's handler is still stuck.
        await().atMost(60, TimeUnit.SECONDS).until(() -> onB.size() == 1);
        assertThat(release.getCount()).as("the stuck handler is still running").isEqualTo(1);
        int moved = b.cluster().heartbeat(Set.of(), Duration.ofSeconds(1)).held().iterator().next();
        ILoggingEvent waiting = await().atMost(10, TimeUnit.SECONDS)
                .until(() -> logged(Level.INFO, "once their handler runs in flight end"), l -> !l.isEmpty()).get(0);
        List<ILoggingEvent> bound = logged(Level.WARN, "handed over after");
        assertThat(bound).as("the bound was hit: said once").hasSize(1);
        assertThat(bound.get(0).getFormattedMessage()).contains("partition " + moved + ": 1 run in flight");
        // The wait is said after its first look (0.1 s); the bound is 1 s from its start.
        assertThat(bound.get(0).getTimeStamp() - waiting.getTimeStamp()).as("ms from the wait to the handover")
                .isBetween(500L, 1500L);
        assertThat(onB).containsOnlyKeys("stuck-" + users.get(moved));
    }

    @Test
    void aNodeLeavingWhileAHandlerRunsLetsItFinishAndHandsItsPartitionsOverAtOnce() throws Exception {
        KafkaLocation where = topic(2);
        RecordingLine line = new RecordingLine();
        Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
        AtomicInteger running = new AtomicInteger();
        EventHandler slow = ctx -> {
            running.incrementAndGet();
            effects.computeIfAbsent(ctx.eventId(), k -> new AtomicInteger()).incrementAndGet();
            ctx.push(List.of(new TextMessage(ctx.eventId())));
            Thread.sleep(1000);
            ctx.state().put("count", String.valueOf(Integer.parseInt(ctx.state().get("count").orElse("0")) + 1));
        };
        KafkaJournal a = journal(where, "a", Duration.ofSeconds(5));
        Dispatcher leaving = dispatcher(a, line, slow);
        KafkaJournal b = journal(where, "b", Duration.ofSeconds(5));
        dispatcher(b, line, slow);
        await().atMost(60, TimeUnit.SECONDS).until(() -> a.cluster().heartbeat(Set.of(), Duration.ofSeconds(1)).held().size() == 1
                && b.cluster().heartbeat(Set.of(), Duration.ofSeconds(1)).held().size() == 1);
        int ofA = a.cluster().heartbeat(Set.of(), Duration.ofSeconds(1)).held().iterator().next();
        String user = null;
        for (int u = 0; user == null; u++) {
            if (partitionOf(Webhooks.user(200 + u), 2) == ofA) {
                user = Webhooks.user(200 + u);
            }
        }
        a.store().journal().append(Webhooks.body(Webhooks.text(user, "leaving", "0", false)), Instant.now())
                .get(20, TimeUnit.SECONDS);
        await().atMost(30, TimeUnit.SECONDS).until(() -> running.get() == 1);

        long started = System.nanoTime();
        leaving.close(Duration.ofSeconds(5)); // as on SIGTERM: the handler finishes, then the node leaves the group
        await().atMost(30, TimeUnit.SECONDS).until(() -> b.cluster().heartbeat(Set.of(), Duration.ofSeconds(1)).held().size() == 2);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(database.conversations().state(lane(user))).containsEntry("count", "1");
        assertThat(effects).containsOnlyKeys("leaving");
        assertThat(effects.get("leaving").get()).as("the event's effect outside LINE").isEqualTo(1);
        assertThat(line.accepted).hasSize(1);
        assertThat(line.conflicts.get()).isZero();
        assertThat(logged(Level.WARN, "handed over after")).as("a leave that waited for a run already over").isEmpty();
        // The handler's second, then the other node's next heartbeat (a fifth of the 6 s session) and its rebalance;
        // not the handover's 5 s bound on top.
        assertThat(tookMs).as("ms from the stop until the other node holds everything").isLessThan(5000);
    }
}
