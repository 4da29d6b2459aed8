package io.linegate.journal.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linegate.webhook.DispatchListener;
import io.linegate.webhook.Dispatcher;
import io.linegate.webhook.EventHandler;
import io.linegate.webhook.Webhooks;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A handler's failed attempts are counted across the nodes its partition moves between. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaAttemptsTest extends OnOneBroker {
    private static final int MAX_ATTEMPTS = 4;

    private KafkaJournal journal(KafkaLocation where, String node) {
        KafkaJournal j = KafkaJournal.builder(where, database).nodeId(node).sessionTimeout(Duration.ofSeconds(6)).start();
        open.add(j);
        return j;
    }

    private Dispatcher dispatcher(KafkaJournal j, EventHandler handler, DispatchListener listener) {
        Dispatcher d = Dispatcher.builder(j.store(), handler).workers(2).maxAttempts(MAX_ATTEMPTS)
                .backoff(Duration.ofMillis(300), Duration.ofMillis(300)).listener(listener)
                .leases(Duration.ofSeconds(3), Duration.ofMillis(200)).build().start();
        open.add(() -> d.close(Duration.ofSeconds(5)));
        return d;
    }

    @Test
    void aFailingEventIsDeadLetteredAfterTheConfiguredAttemptsInAllWhenItsPartitionMovesMidWay() throws Exception {
        KafkaLocation where = brokers.topic("attempts", 1);
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>(); // per node
        AtomicInteger failuresRecordedOnA = new AtomicInteger();
        KafkaJournal a = journal(where, "a");
        Dispatcher first = dispatcher(a, ctx -> {
            runs.computeIfAbsent("a", k -> new AtomicInteger()).incrementAndGet();
            throw new IllegalStateException("downstream is down");
        }, new DispatchListener() {
            @Override
            public void failed(String eventId, int attempt, Throwable error, boolean retrying) {
                failuresRecordedOnA.incrementAndGet(); // told once the failure is recorded
            }
        });
        KafkaJournal b = journal(where, "b"); // in the group, holding nothing: the one partition stays with a
        dispatcher(b, ctx -> {
            runs.computeIfAbsent("b", k -> new AtomicInteger()).incrementAndGet();
            throw new IllegalStateException("downstream is down");
        }, new DispatchListener() { });

        a.store().journal().append(Webhooks.body(Webhooks.text(Webhooks.user(1), "poison", "0", false)), Instant.now())
                .get(20, TimeUnit.SECONDS);
        await().atMost(30, TimeUnit.SECONDS).until(() -> failuresRecordedOnA.get() == 2);
        first.close(Duration.ofSeconds(5)); // between its attempts: the node leaves, the other takes the partition

        await().atMost(60, TimeUnit.SECONDS).until(() -> !database.deadLetters().list(10).isEmpty());
        assertThat(database.deadLetters().list(10)).singleElement().satisfies(d -> {
            assertThat(d.eventId()).isEqualTo("poison");
            assertThat(d.attempts()).isEqualTo(MAX_ATTEMPTS);
        });
        assertThat(runs.get("a").get()).as("runs on the first node").isEqualTo(2);
        assertThat(runs.get("b").get()).as("runs on the node that took the partition: the count went on").isEqualTo(MAX_ATTEMPTS - 2);
    }
}
