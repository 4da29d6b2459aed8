package io.linegate.journal.kafka;

import io.linegate.store.DeadLetters;
import io.linegate.store.EventJournal;
import io.linegate.store.EventJournal.InboxEntry;
import io.linegate.store.EventJournal.NewEvent;
import io.linegate.store.EventJournal.Rejected;
import io.linegate.store.Store;
import io.linegate.webhook.WebhookBodies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The store's dead letters, replayed onto the events topic rather than into the database's journal
 * (which a node on Kafka does not read). An event goes back as a record keyed by its conversation, so
 * it is handled in order after what its partition already holds, with its {@code webhookEventId}, its
 * destination, its receipt time and a {@link #REPLAY} header naming the letter: its id was marked
 * finished when it was dead-lettered, so the consumer's dedupe counts the event and the letter
 * together ({@link #dedupeKey}), which lets the replay through once and drops a second copy of it. A
 * whole body that did not parse is split again and its events sent as a webhook's would be.
 *
 * <p>The record is acknowledged by all in-sync replicas before the letter is marked replayed: a
 * replay that failed, or a process that died between the two, leaves the letter waiting, and a second
 * replay's copy is dropped by the dedupe. A record another producer wrote (lane {@code unparsed},
 * named {@code kafka:TOPIC/PARTITION@OFFSET}) is not linegate's event and is not replayed.
 */
public final class KafkaDeadLetters implements DeadLetters, AutoCloseable {
    /** The header naming the dead letter a record replays. */
    static final String REPLAY = "linegate-replay";

    private final DeadLetters database;
    private final EventJournal databaseJournal;
    private final Producer<String, byte[]> producer;
    private final boolean ownsProducer;
    private final KafkaLocation location;

    KafkaDeadLetters(Store database, Producer<String, byte[]> producer, boolean ownsProducer, KafkaLocation location) {
        this.database = database.deadLetters();
        this.databaseJournal = database.journal();
        this.producer = producer;
        this.ownsProducer = ownsProducer;
        this.location = location;
    }

    /**
     * For an operator's command (no node running here): the dead letters of {@code database} replayed onto
     * {@code location}'s events topic by a producer of its own ({@code acks=all}, idempotent), which
     * {@link #close} closes; a send waits {@code timeout} at most.
     */
    public static KafkaDeadLetters open(KafkaLocation location, Store database, Properties settings, Duration timeout) {
        Properties p = KafkaClientSettings.forClient(location, settings, "replay", timeout);
        p.remove("default.api.timeout.ms"); // an admin and consumer setting, not the producer's
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout.toMillis()));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(timeout.toMillis(), 2 * timeout.toMillis())));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaDeadLetters(database, new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer()), true,
                location);
    }

    /** What makes two records of the topic one event: its id, and for a replay also the dead letter it replays. */
    static String dedupeKey(String eventId, String replayOf) {
        return replayOf == null ? eventId : eventId + "@replay:" + replayOf;
    }

    /**
     * Puts the dead letter back onto the events topic, then marks it replayed; the result is the offset of
     * its (last) record in its conversation's partition, empty if there is no such letter waiting. Fails
     * with an {@link IllegalArgumentException} for a record linegate did not write, and with the producer's
     * error (one line naming the bootstrap servers) when Kafka did not take it: the letter then still waits.
     */
    @Override
    public CompletableFuture<Optional<Long>> replay(long deadLetterId) {
        Optional<Waiting> found = database.waiting(deadLetterId);
        if (found.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Waiting w = found.get();
        List<CompletableFuture<Long>> sends = new ArrayList<>();
        CompletableFuture<?> rejects = CompletableFuture.completedFuture(null);
        if (w.body() != null) {
            List<NewEvent> events = new ArrayList<>();
            List<Rejected> rejected = new ArrayList<>();
            WebhookBodies.split(new InboxEntry(0, w.receivedAt(), w.body()), events, rejected);
            for (NewEvent e : events) {
                sends.add(send(e.eventId(), e.lane(), e.destination(), e.payload(), e.receivedAt().toEpochMilli(), null));
            }
            if (!rejected.isEmpty()) {
                rejects = databaseJournal.split(List.of(), List.of(), rejected); // still not events: dead letters again
            }
        } else if ("unparsed".equals(w.lane())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("dead letter " + deadLetterId + " ("
                    + w.eventId() + ") is a record linegate did not write; it cannot be put back as an event"));
        } else {
            sends.add(send(w.eventId(), w.lane(), w.destination(), w.payload(), w.receivedAt().toEpochMilli(),
                    String.valueOf(deadLetterId)));
        }
        CompletableFuture<?> all = CompletableFuture.allOf(CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)),
                rejects);
        return all.thenCompose(v -> database.markReplayed(deadLetterId)).thenApply(marked -> {
            long last = sends.stream().mapToLong(CompletableFuture::join).max().orElse(-1);
            return marked ? Optional.of(last) : Optional.<Long>empty();
        });
    }

    private CompletableFuture<Long> send(String eventId, String lane, String destination, String payload, long receivedAt,
                                         String replayOf) {
        ProducerRecord<String, byte[]> record = KafkaEventJournal.record(location.eventsTopic(), eventId, lane, destination,
                payload, receivedAt, replayOf);
        CompletableFuture<Long> acked = new CompletableFuture<>();
        try {
            producer.send(record, (RecordMetadata m, Exception error) -> {
                if (error == null) {
                    acked.complete(m.offset());
                } else {
                    acked.completeExceptionally(notTaken(error));
                }
            });
        } catch (KafkaException | IllegalStateException error) {
            acked.completeExceptionally(notTaken(error));
        }
        return acked;
    }

    private CompletionException notTaken(Exception error) {
        return new CompletionException(new KafkaJournal.KafkaJournalException("Kafka at " + location.bootstrapServers()
                + ": the replay was not taken (" + error.getClass().getSimpleName() + "); the dead letter still waits"));
    }

    @Override public List<DeadLetter> list(int limit) { return database.list(limit); }
    @Override public List<DeadLetter> page(Filter filter, long beforeId, int limit) { return database.page(filter, beforeId, limit); }
    @Override public long count(Filter filter) { return database.count(filter); }
    @Override public Optional<DeadLetter> get(long deadLetterId) { return database.get(deadLetterId); }
    @Override public long waiting() { return database.waiting(); }
    @Override public Optional<Waiting> waiting(long deadLetterId) { return database.waiting(deadLetterId); }
    @Override public CompletableFuture<Boolean> markReplayed(long deadLetterId) { return database.markReplayed(deadLetterId); }
    @Override public Optional<byte[]> body(long deadLetterId) { return database.body(deadLetterId); }

    /** Closes the producer if it is this object's own ({@link #open}); a node's journal closes its own. */
    @Override
    public void close() {
        if (ownsProducer) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
