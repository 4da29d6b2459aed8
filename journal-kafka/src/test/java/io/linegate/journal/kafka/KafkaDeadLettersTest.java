package io.linegate.journal.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.linegate.store.DeadLetters.DeadLetter;
import io.linegate.store.EventJournal.Rejected;
import io.linegate.webhook.ConversationKey;
import io.linegate.webhook.Dispatcher;
import io.linegate.webhook.Webhooks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A dead letter made on Kafka is replayed onto the events topic, in its conversation's order, and handled once. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KafkaDeadLettersTest extends OnOneBroker {
    private static int topics;

    private static byte[] text(String user, String id) {
        return Webhooks.body(Webhooks.text(user, id, id, false));
    }

    @Test
    void aReplayedDeadLetterIsHandledOnceAfterWhatItsConversationHoldsAndASecondCopyIsDropped() throws Exception {
        KafkaLocation where = brokers.topic("d" + (++topics), 2);
        KafkaJournal kafka = KafkaJournal.builder(where, database).nodeId("a").sessionTimeout(Duration.ofSeconds(6)).start();
        open.add(kafka);
        String user = Webhooks.user(1);
        AtomicBoolean broken = new AtomicBoolean(true);
        Map<String, Integer> handled = new ConcurrentHashMap<>();
        List<String> order = new ArrayList<>();
        Dispatcher d = Dispatcher.builder(kafka.store(), ctx -> {
            if (broken.get() && ctx.eventId().equals("poison")) {
                throw new IllegalStateException("a bug in the handler");
            }
            handled.merge(ctx.eventId(), 1, Integer::sum);
            synchronized (order) {
                order.add(ctx.eventId());
            }
            ctx.state().put("n", String.valueOf(Integer.parseInt(ctx.state().get("n").orElse("0")) + 1));
        }).workers(2).maxAttempts(2).backoff(Duration.ofMillis(10), Duration.ofMillis(20))
                .leases(Duration.ofSeconds(3), Duration.ofMillis(200)).build().start();
        open.add(() -> d.close(Duration.ofSeconds(5)));

        kafka.store().journal().append(text(user, "poison"), Instant.now()).get(20, TimeUnit.SECONDS);
        kafka.store().journal().append(text(user, "next"), Instant.now()).get(20, TimeUnit.SECONDS);
        await().atMost(30, TimeUnit.SECONDS).until(() -> handled.containsKey("next"));
        DeadLetter letter = database.deadLetters().list(10).stream().filter(l -> l.eventId().equals("poison")).findFirst()
                .orElseThrow();
        broken.set(false); // the bug is fixed

        Optional<Long> offset = kafka.store().deadLetters().replay(letter.id()).get(20, TimeUnit.SECONDS);

        assertThat(offset).as("its record's offset in the conversation's partition: after poison and next").contains(2L);
        await().atMost(30, TimeUnit.SECONDS).until(() -> handled.containsKey("poison"));
        assertThat(database.deadLetters().get(letter.id()).orElseThrow().replayedAt()).isNotNull();
        assertThat(kafka.store().deadLetters().replay(letter.id()).get(20, TimeUnit.SECONDS)).as("replayed once").isEmpty();

        // A second copy of the replay (a replay whose process died before it marked the letter, run again) is dropped.
        try (KafkaProducer<String, byte[]> again = new KafkaProducer<>(Map.of("bootstrap.servers", brokers.bootstrap()),
                new StringSerializer(), new ByteArraySerializer())) {
            RecordHeaders h = new RecordHeaders();
            h.add(KafkaEventJournal.EVENT_ID, "poison".getBytes(StandardCharsets.UTF_8));
            h.add(KafkaDeadLetters.REPLAY, String.valueOf(letter.id()).getBytes(StandardCharsets.UTF_8));
            again.send(new ProducerRecord<>(where.eventsTopic(), null, ConversationKey.user(user).key(),
                    Webhooks.text(user, "poison", "poison", false).getBytes(StandardCharsets.UTF_8), h)).get(20, TimeUnit.SECONDS);
        }
        kafka.store().journal().append(text(user, "marker"), Instant.now()).get(20, TimeUnit.SECONDS);
        await().atMost(30, TimeUnit.SECONDS).until(() -> handled.containsKey("marker"));
        assertThat(handled).containsExactlyInAnyOrderEntriesOf(Map.of("next", 1, "poison", 1, "marker", 1));
        assertThat(order).containsExactly("next", "poison", "marker");
        assertThat(database.conversations().state(ConversationKey.user(user).key())).containsEntry("n", "3");
    }

    @Test
    void aRecordLinegateDidNotWriteIsNotReplayedAndAnUnknownLetterIsEmpty() throws Exception {
        KafkaLocation where = brokers.topic("d" + (++topics), 1);
        KafkaJournal kafka = KafkaJournal.builder(where, database).nodeId("a").sessionTimeout(Duration.ofSeconds(6)).start();
        open.add(kafka);
        try (KafkaProducer<String, byte[]> other = new KafkaProducer<>(Map.of("bootstrap.servers", brokers.bootstrap()),
                new StringSerializer(), new ByteArraySerializer())) {
            other.send(new ProducerRecord<>(where.eventsTopic(), "k", "not an event".getBytes(StandardCharsets.UTF_8)))
                    .get(20, TimeUnit.SECONDS);
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> !database.deadLetters().list(10).isEmpty());
        long id = database.deadLetters().list(10).get(0).id();

        assertThatThrownBy(() -> kafka.store().deadLetters().replay(id).get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalArgumentException.class)
                .cause().hasMessageContaining("a record linegate did not write");
        assertThat(database.deadLetters().get(id).orElseThrow().replayedAt()).as("still waiting").isNull();
        assertThat(kafka.store().deadLetters().replay(id + 100).get(20, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aReplayKafkaDoesNotTakeFailsInOneLineAndTheLetterStillWaits() throws Exception {
        KafkaLocation where = brokers.topic("d" + (++topics), 1);
        database.journal().split(List.of(), List.of(), List.of(new Rejected("lost", "user:U1",
                "Ubot", "{}", null, Instant.now(), "failed"))).get(10, TimeUnit.SECONDS);
        long id = database.deadLetters().list(10).get(0).id();
        KafkaLocation nowhere = KafkaLocation.parse("kafka://127.0.0.1:1/" + where.prefix());
        try (KafkaDeadLetters letters = KafkaDeadLetters.open(nowhere, database, new Properties(), Duration.ofSeconds(1))) {
            assertThatThrownBy(() -> letters.replay(id).get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().hasMessageStartingWith("Kafka at 127.0.0.1:1: the replay was not taken").hasMessageNotContaining("\n");
        }
        assertThat(database.deadLetters().get(id).orElseThrow().replayedAt()).isNull();
    }
}
