package io.linegate.journal.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.linegate.store.Cluster;
import io.linegate.store.EventJournal.StoredEvent;
import io.linegate.store.LogPositions;
import io.linegate.webhook.ConversationKey;
import io.linegate.webhook.Dispatcher;
import io.linegate.webhook.EventHandler;
import io.linegate.webhook.Webhooks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The journal on one real KRaft broker, with the database journal's own dispatcher on top. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaJournalTest extends OnOneBroker {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static int topics;

    private KafkaLocation topic(int partitions) throws Exception {
        return brokers.topic("t" + (++topics), partitions);
    }

    private KafkaJournal journal(KafkaLocation where, String node) {
        KafkaJournal j = KafkaJournal.builder(where, database).nodeId(node).sessionTimeout(Duration.ofSeconds(6)).start();
        open.add(j);
        return j;
    }

    private Dispatcher dispatcher(KafkaJournal j, EventHandler handler) {
        Dispatcher d = Dispatcher.builder(j.store(), handler).workers(8)
                .leases(Duration.ofSeconds(3), Duration.ofMillis(200)).build().start();
        open.add(() -> d.close(Duration.ofSeconds(5)));
        return d;
    }

    private static byte[] text(String user, int n) {
        return Webhooks.body(Webhooks.text(user, String.valueOf(n)));
    }

    private static int number(String rawJson) throws Exception {
        return Integer.parseInt(JSON.readTree(rawJson).path("message").path("text").asText());
    }

    private static String lane(String user) {
        return ConversationKey.user(user).key();
    }

    private List<ConsumerRecord<String, byte[]>> records(KafkaLocation where, int partitions, int atLeast) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", brokers.bootstrap()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(where.eventsTopic(), p));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (out.size() < atLeast && System.nanoTime() < until) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    @Test
    void aWebhookIsAcknowledgedOnceEachOfItsEventsIsInTheTopicKeyedByItsConversation() throws Exception {
        KafkaLocation where = topic(4);
        KafkaJournal kafka = journal(where, "a");
        String alice = Webhooks.user(1);
        String bob = Webhooks.user(2);
        byte[] body = Webhooks.body(Webhooks.text(alice, "e1", "hi", false), Webhooks.text(bob, "e2", "yo", false),
                Webhooks.text(alice, "e3", "again", false));

        kafka.store().journal().append(body, Instant.now()).get(20, TimeUnit.SECONDS);

        List<ConsumerRecord<String, byte[]>> records = records(where, 4, 3);
        assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(lane(alice), lane(bob), lane(alice));
        Map<String, Integer> partitionOf = new HashMap<>();
        List<String> aliceIds = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            Integer before = partitionOf.putIfAbsent(r.key(), r.partition());
            assertThat(before == null || before == r.partition()).as("one conversation, one partition").isTrue();
            if (r.key().equals(lane(alice))) {
                aliceIds.add(new String(r.headers().lastHeader(KafkaEventJournal.EVENT_ID).value(), StandardCharsets.UTF_8));
            }
        }
        assertThat(aliceIds).containsExactly("e1", "e3"); // in the body's order, in one partition
    }

    @Test
    void eventsOfOneConversationAreHandledInOrderOnceWithTheirStateWhileConversationsRunInParallel() throws Exception {
        KafkaLocation where = topic(4);
        KafkaJournal kafka = journal(where, "a");
        int users = 8;
        int each = 15;
        List<String> outOfOrder = new ArrayList<>();
        Map<String, Integer> runs = new ConcurrentHashMap<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        dispatcher(kafka, ctx -> {
            int now = running.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            try {
                int n = number(ctx.rawJson());
                int last = Integer.parseInt(ctx.state().get("last").orElse("-1"));
                if (last != n - 1) {
                    synchronized (outOfOrder) {
                        outOfOrder.add(ctx.sourceKey() + ": " + n + " after " + last);
                    }
                }
                runs.merge(ctx.eventId(), 1, Integer::sum);
                Thread.sleep(20);
                ctx.state().put("last", String.valueOf(n));
                ctx.state().put("count", String.valueOf(Integer.parseInt(ctx.state().get("count").orElse("0")) + 1));
            } finally {
                running.decrementAndGet();
            }
        });

        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int n = 0; n < each; n++) {
            for (int u = 0; u < users; u++) {
                acks.add(kafka.store().journal().append(text(Webhooks.user(u), n), Instant.now()));
            }
            // Each round acknowledged before the next is sent, as LINE's deliveries to one bot would be.
            for (var ack : acks) {
                ack.get(20, TimeUnit.SECONDS);
            }
            acks.clear();
        }

        await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> {
            for (int u = 0; u < users; u++) {
                assertThat(database.conversations().state(lane(Webhooks.user(u))).get("count")).isEqualTo(String.valueOf(each));
            }
        });
        assertThat(outOfOrder).isEmpty();
        assertThat(runs).hasSize(users * each).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
        assertThat(mostAtOnce.get()).as("conversations handled at the same time").isGreaterThan(1);
        // Nothing finished is read again after a takeover: in every partition, the committed position and the done-marks
        // above it cover every event (the position alone may stop below events finished at the same time as it).
        long covered = 0;
        for (int p = 0; p < 4; p++) {
            LogPositions.Claim c = database.logPositions(where.eventsTopic()).claim(p, "observer").get(10, TimeUnit.SECONDS);
            covered += c.nextOffset() + c.done().size();
        }
        assertThat(covered).isEqualTo(users * each);
    }

    @Test
    void aRedeliveredWebhookIsHandledOnceWhetherItsFirstCopyIsFinishedOrStillWaiting() throws Exception {
        KafkaLocation where = topic(2);
        KafkaJournal kafka = journal(where, "a");
        String user = Webhooks.user(7);
        Map<String, Integer> runs = new ConcurrentHashMap<>();
        dispatcher(kafka, ctx -> runs.merge(ctx.eventId(), 1, Integer::sum));
        byte[] first = Webhooks.body(Webhooks.text(user, "redelivered-1", "1", false));
        byte[] second = Webhooks.body(Webhooks.text(user, "redelivered-2", "2", false));
        byte[] marker = Webhooks.body(Webhooks.text(user, "marker", "3", false));

        kafka.store().journal().append(first, Instant.now()).get(20, TimeUnit.SECONDS);
        await().atMost(30, TimeUnit.SECONDS).until(() -> runs.containsKey("redelivered-1"));
        // LINE delivers again what was acknowledged (a 200 it did not see): once after the first was handled, and
        // twice in a row while the first copy still waits.
        kafka.store().journal().append(first, Instant.now()).get(20, TimeUnit.SECONDS);
        kafka.store().journal().append(second, Instant.now()).get(20, TimeUnit.SECONDS);
        kafka.store().journal().append(second, Instant.now()).get(20, TimeUnit.SECONDS);
        kafka.store().journal().append(marker, Instant.now()).get(20, TimeUnit.SECONDS);

        // One conversation is handled in order: once the marker is handled, the copies before it were read.
        await().atMost(30, TimeUnit.SECONDS).until(() -> runs.containsKey("marker"));
        assertThat(runs).containsExactlyInAnyOrderEntriesOf(Map.of("redelivered-1", 1, "redelivered-2", 1, "marker", 1));
    }

    @Test
    void aNodeThatLostItsPartitionCommitsNothingForIt() throws Exception {
        KafkaLocation where = topic(1);
        KafkaJournal kafka = journal(where, "a");
        String user = Webhooks.user(3);
        kafka.store().journal().append(text(user, 0), Instant.now()).get(20, TimeUnit.SECONDS);
        List<StoredEvent> fetched = new ArrayList<>();
        await().atMost(30, TimeUnit.SECONDS).until(() -> {
            fetched.addAll(kafka.store().journal().pending(Set.of(0), 0, 10));
            return !fetched.isEmpty();
        });
        // Another node takes the partition (as the group would give it after this node's session timed out).
        LogPositions positions = database.logPositions(where.eventsTopic());
        LogPositions.Claim taken = positions.claim(0, "b").get(10, TimeUnit.SECONDS);

        var done = kafka.store().journal().complete(fetched.get(0).seq(), lane(user), Map.of("count", "1"));

        assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(Cluster.LeaseLostException.class);
        assertThat(database.conversations().state(lane(user))).doesNotContainKey("count");
        assertThat(kafka.committedPositions()).containsEntry(0, taken.nextOffset());
        assertThat(positions.claim(0, "b").get(10, TimeUnit.SECONDS).done()).as("no done-mark either").isEmpty();
    }

    @Test
    void aPartitionsCommittedPositionNeverPassesAnEventThatIsNotFinished() throws Exception {
        KafkaLocation where = topic(1);
        KafkaJournal kafka = journal(where, "a");
        String slow = Webhooks.user(5);
        String quick = Webhooks.user(6);
        kafka.store().journal().append(text(slow, 0), Instant.now()).get(20, TimeUnit.SECONDS);
        kafka.store().journal().append(text(quick, 0), Instant.now()).get(20, TimeUnit.SECONDS);
        List<StoredEvent> fetched = new ArrayList<>();
        await().atMost(30, TimeUnit.SECONDS).until(() -> {
            fetched.clear();
            fetched.addAll(kafka.store().journal().pending(Set.of(0), 0, 10));
            return fetched.size() == 2;
        });
        assertThat(fetched).extracting(StoredEvent::lane).containsExactly(lane(slow), lane(quick));

        // The later event (another conversation) finishes first: the position stays at the earlier one.
        kafka.store().journal().complete(fetched.get(1).seq(), lane(quick), Map.of("n", "1")).get(10, TimeUnit.SECONDS);
        assertThat(kafka.committedPositions()).containsEntry(0, 0L);
        // A node taking the partition now reads the unfinished event again, and skips the finished one.
        LogPositions.Claim now = database.logPositions(where.eventsTopic()).claim(0, "observer").get(10, TimeUnit.SECONDS);
        assertThat(now.nextOffset()).isZero();
        assertThat(now.done()).containsExactly(1L);
    }

    @Test
    void aPositionPassesEventsOnceTheyAreAllFinished() throws Exception {
        KafkaLocation where = topic(1);
        KafkaJournal kafka = journal(where, "a");
        for (int u = 0; u < 3; u++) {
            kafka.store().journal().append(text(Webhooks.user(20 + u), 0), Instant.now()).get(20, TimeUnit.SECONDS);
        }
        List<StoredEvent> fetched = fetched(kafka, 0, 3);
        kafka.store().journal().complete(fetched.get(2).seq(), fetched.get(2).lane(), Map.of()).get(10, TimeUnit.SECONDS);
        kafka.store().journal().complete(fetched.get(0).seq(), fetched.get(0).lane(), Map.of()).get(10, TimeUnit.SECONDS);
        assertThat(kafka.committedPositions()).containsEntry(0, 1L);
        kafka.store().journal().complete(fetched.get(1).seq(), fetched.get(1).lane(), Map.of()).get(10, TimeUnit.SECONDS);
        assertThat(kafka.committedPositions()).containsEntry(0, 3L);
        assertThat(database.logPositions(where.eventsTopic()).claim(0, "observer").get(10, TimeUnit.SECONDS).done())
                .as("done-marks below the position are gone").isEmpty();
    }

    @Test
    void aPartitionMovesToANodeThatJoinsMidBurstWithNothingLostAndStateCommittedOnce() throws Exception {
        KafkaLocation where = topic(6);
        int users = 12;
        int each = 20;
        Map<String, Integer> runs = new ConcurrentHashMap<>();
        Map<String, Set<String>> handledBy = new ConcurrentHashMap<>();
        List<String> outOfOrder = new ArrayList<>();
        EventHandler counting = ctx -> {
            int n = number(ctx.rawJson());
            int last = Integer.parseInt(ctx.state().get("last").orElse("-1"));
            if (last != n - 1) {
                synchronized (outOfOrder) {
                    outOfOrder.add(ctx.sourceKey() + ": " + n + " after " + last);
                }
            }
            runs.merge(ctx.eventId(), 1, Integer::sum);
            Thread.sleep(10);
            ctx.state().put("last", String.valueOf(n));
        };
        KafkaJournal a = journal(where, "a");
        dispatcher(a, ctx -> {
            handledBy.computeIfAbsent("a", k -> ConcurrentHashMap.newKeySet()).add(ctx.eventId());
            counting.handle(ctx);
        });
        KafkaJournal b = null;
        for (int n = 0; n < each; n++) {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int u = 0; u < users; u++) {
                acks.add(a.store().journal().append(text(Webhooks.user(u), n), Instant.now()));
            }
            for (var ack : acks) {
                ack.get(20, TimeUnit.SECONDS);
            }
            if (n == each / 3) {
                b = journal(where, "b");
                dispatcher(b, ctx -> {
                    handledBy.computeIfAbsent("b", k -> ConcurrentHashMap.newKeySet()).add(ctx.eventId());
                    counting.handle(ctx);
                });
            }
            Thread.sleep(50); // a burst over about a second, so that the rebalance falls within it
        }
        KafkaJournal joined = b;
        await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> {
            for (int u = 0; u < users; u++) {
                assertThat(database.conversations().state(lane(Webhooks.user(u))).get("last")).isEqualTo(String.valueOf(each - 1));
            }
        });
        assertThat(joined.cluster().heartbeat(Set.of(), Duration.ofSeconds(1)).held()).as("the joining node's partitions")
                .isNotEmpty();
        assertThat(handledBy.get("b")).as("events handled by the node that joined").isNotEmpty();
        assertThat(outOfOrder).as("each conversation's state saw its events in order, each once").isEmpty();
        assertThat(runs).hasSize(users * each);
        // The partitions moved once the handlers running for them had finished (the handover): no event's handler
        // ran again on the node that took its partition.
        assertThat(runs).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
    }

    @Test
    void aRecordLinegateDidNotWriteBecomesADeadLetterAndThePartitionGoesOn() throws Exception {
        KafkaLocation where = topic(1);
        KafkaJournal kafka = journal(where, "a");
        Map<String, Integer> runs = new ConcurrentHashMap<>();
        dispatcher(kafka, ctx -> runs.merge(ctx.eventId(), 1, Integer::sum));
        try (KafkaProducer<byte[], byte[]> other = new KafkaProducer<>(Map.of("bootstrap.servers", brokers.bootstrap()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            other.send(new ProducerRecord<>(where.eventsTopic(), null, new byte[] {(byte) 0xff, 0, 'x'})).get(20, TimeUnit.SECONDS);
        }
        kafka.store().journal().append(Webhooks.body(Webhooks.text(Webhooks.user(4), "after", "1", false)), Instant.now())
                .get(20, TimeUnit.SECONDS);

        await().atMost(30, TimeUnit.SECONDS).until(() -> runs.containsKey("after"));
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(database.deadLetters().list(10))
                .anySatisfy(d -> {
                    assertThat(d.eventId()).isEqualTo("kafka:" + where.eventsTopic() + "/0@0");
                    assertThat(d.error()).contains("did not write");
                }));
        assertThat(runs).containsOnlyKeys("after");
    }

    @Test
    void startingOnBrokersThatDoNotAnswerOrWithoutTheTopicIsOneLineNamingTheServers() throws Exception {
        assertThatThrownBy(() -> KafkaJournal.builder(KafkaLocation.parse("kafka://127.0.0.1:1/nothing"), database)
                .startCheck(Duration.ofSeconds(2)).start())
                .isInstanceOf(KafkaJournal.KafkaJournalException.class)
                .hasMessage("Kafka at 127.0.0.1:1: no broker answered within 2 s");
        assertThatThrownBy(() -> KafkaJournal.builder(KafkaLocation.parse("kafka://" + brokers.bootstrap() + "/missing"), database)
                .start())
                .isInstanceOf(KafkaJournal.KafkaJournalException.class)
                .hasMessageStartingWith("Kafka at " + brokers.bootstrap() + ": the events topic missing.events does not exist")
                .hasMessageNotContaining("\n");
    }
}
