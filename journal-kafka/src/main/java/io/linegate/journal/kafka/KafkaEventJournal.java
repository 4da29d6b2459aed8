package io.linegate.journal.kafka;

import io.linegate.core.RateLimitedLog;
import io.linegate.store.Cluster;
import io.linegate.store.EventJournal;
import io.linegate.store.LogPositions;
import io.linegate.store.StoreException;
import io.linegate.store.StoreUnavailableException;
import io.linegate.webhook.WebhookBodies;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal on Apache Kafka. A webhook body is split at acknowledgement: each event becomes one
 * record of the events topic, keyed by its conversation (so one conversation is in one partition, in
 * the order its webhooks were acknowledged), and {@link #append} completes once every record is
 * acknowledged by all in-sync replicas (an idempotent producer, {@code acks=all}). What is not an
 * event (a body that does not parse) goes to the store's dead letters in the same acknowledgement.
 *
 * <p>The events come back through the consumer group ({@link ConsumerLoop} into {@link Fetched});
 * finishing one ({@link #complete}, {@link #deadLetter}) is one transaction of the store's database,
 * fenced by the partition's epoch, with the conversation state, the done-mark, the id as seen and the
 * partition's position ({@link LogPositions}). Nothing here has an inbox: {@link #inbox} is always
 * empty, so the dispatcher's splitter has nothing to do.
 */
final class KafkaEventJournal implements EventJournal {
    static final String EVENT_ID = "linegate-event-id";
    static final String DESTINATION = "linegate-destination";
    private static final Logger log = LoggerFactory.getLogger(KafkaEventJournal.class);

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final EventJournal database;
    private final LogPositions positions;
    private final Fetched fetched;
    private final Clock clock;
    private final String bootstrap;
    private final AtomicLong bodies = new AtomicLong();
    private final RateLimitedLog unavailable = new RateLimitedLog(log, 1, Duration.ofSeconds(10));

    KafkaEventJournal(Producer<String, byte[]> producer, String topic, EventJournal database, LogPositions positions,
                      Fetched fetched, Clock clock, String bootstrap) {
        this.producer = producer;
        this.topic = topic;
        this.database = database;
        this.positions = positions;
        this.fetched = fetched;
        this.clock = clock;
        this.bootstrap = bootstrap;
    }

    @Override
    public CompletableFuture<Void> append(byte[] body, Instant receivedAt) {
        List<NewEvent> events = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        WebhookBodies.split(new InboxEntry(bodies.incrementAndGet(), receivedAt, body), events, rejected);
        List<CompletableFuture<?>> writes = new ArrayList<>(events.size() + 1);
        for (NewEvent e : events) {
            writes.add(send(e));
        }
        if (!rejected.isEmpty()) {
            writes.add(database.split(List.of(), List.of(), rejected));
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    /**
     * An event as a record of the events topic, as {@link ConsumerLoop} reads it: keyed by its conversation,
     * its id, destination and (for a replay) the dead letter it replays as headers, its receipt time as the
     * record's timestamp.
     */
    static ProducerRecord<String, byte[]> record(String topic, String eventId, String lane, String destination, String payload,
                                                 long receivedAt, String replayOf) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
        if (destination != null) {
            headers.add(DESTINATION, destination.getBytes(StandardCharsets.UTF_8));
        }
        if (replayOf != null) {
            headers.add(KafkaDeadLetters.REPLAY, replayOf.getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(topic, null, receivedAt, lane, payload.getBytes(StandardCharsets.UTF_8), headers);
    }

    private CompletableFuture<Void> send(NewEvent e) {
        ProducerRecord<String, byte[]> record = record(topic, e.eventId(), e.lane(), e.destination(), e.payload(),
                e.receivedAt().toEpochMilli(), null);
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    acked.complete(null);
                } else {
                    acked.completeExceptionally(notTaken(error));
                }
            });
        } catch (KafkaException | IllegalStateException error) {
            acked.completeExceptionally(notTaken(error));
        }
        return acked;
    }

    /**
     * Kafka could not take a record. A retriable failure (the topic's metadata or a partition's leader
     * unknown while brokers are away, too few in-sync replicas, a timeout) means Kafka cannot take webhooks
     * for now: the webhook is answered 503 at once, said here once in a while rather than for every
     * webhook. Anything else (authorization, a record too large) is the webhook's own failure.
     */
    private StoreException notTaken(Throwable error) {
        String why = "Kafka (" + bootstrap + ") did not take the webhook: " + error.getMessage();
        if (error instanceof RetriableException) {
            unavailable.warn("{}; answering 503 until it can", why);
            return new StoreUnavailableException(why, error);
        }
        return new StoreException(why, error);
    }

    @Override
    public List<InboxEntry> inbox(long afterSeq, int limit) {
        return List.of();
    }

    @Override
    public CompletableFuture<SplitResult> split(List<Long> consumedInboxSeqs, List<NewEvent> events, List<Rejected> rejected) {
        // Never called: the inbox is always empty (bodies are split at acknowledgement).
        return CompletableFuture.failedFuture(new UnsupportedOperationException("the Kafka journal splits at acknowledgement"));
    }

    @Override
    public List<StoredEvent> pending(long afterSeq, int limit) {
        return fetched.after(null, afterSeq, limit);
    }

    @Override
    public List<StoredEvent> pending(Set<Integer> partitions, long afterSeq, int limit) {
        return fetched.after(partitions, afterSeq, limit);
    }

    @Override
    public Map<Integer, Long> pendingCounts(Set<Integer> partitions, long upToSeq) {
        return fetched.countsUpTo(partitions, upToSeq);
    }

    /** The events fetched here and not finished (not those still in the log: see the consumer lag). */
    @Override
    public long pendingCount() {
        return fetched.size();
    }

    @Override
    public CompletableFuture<Void> complete(long seq, String lane, Map<String, String> stateChanges) {
        return finish(seq, LogPositions.Finish.done(lane, stateChanges));
    }

    @Override
    public CompletableFuture<Void> deadLetter(long seq, int attempts, String error) {
        Fetched.Entry e = fetched.get(seq);
        if (e == null) {
            return gone(seq);
        }
        return finish(seq, LogPositions.Finish.deadLetter(new LogPositions.DeadLetter(e.eventId, e.lane, e.destination,
                e.payload, e.receivedAt, attempts, error)));
    }

    private CompletableFuture<Void> finish(long seq, LogPositions.Finish how) {
        Fetched.Entry e = fetched.get(seq);
        if (e == null) {
            return gone(seq);
        }
        long position = fetched.startFinishing(e);
        CompletableFuture<Void> done;
        try {
            done = positions.finish(e.partition, e.owner.epoch, e.offset, position, e.dedupeKey, how);
        } catch (RuntimeException error) {
            done = CompletableFuture.failedFuture(error);
        }
        return done.whenComplete((v, error) -> fetched.finished(e, error == null));
    }

    private static CompletableFuture<Void> gone(long seq) {
        return CompletableFuture.failedFuture(new Cluster.LeaseLostException("event " + seq
                + " is no longer held by this node: its partition went to another node of the consumer group"));
    }

    /**
     * Keeps the count of the handler's failed attempts with the event's position data in the store (fenced by the
     * partition's epoch), so that the node that takes the partition next goes on counting and dead-letters the
     * event after the configured attempts in all.
     */
    @Override
    public CompletableFuture<Void> recordFailure(long seq, int attempts, String error) {
        Fetched.Entry e = fetched.get(seq);
        if (e == null) {
            return CompletableFuture.completedFuture(null); // its partition moved: the new owner goes on from what was recorded
        }
        synchronized (fetched) {
            e.attempts = attempts;
        }
        try {
            return positions.recordAttempts(e.partition, e.owner.epoch, e.offset, attempts);
        } catch (RuntimeException failure) {
            return CompletableFuture.failedFuture(failure);
        }
    }

    @Override
    public CompletableFuture<Void> recordSent(long seq, String sent) {
        Fetched.Entry e = fetched.get(seq);
        if (e == null) {
            return CompletableFuture.completedFuture(null); // its partition moved: the new owner reads what was recorded
        }
        synchronized (fetched) {
            e.sent = sent;
        }
        return positions.recordSent(e.partition, e.offset, sent);
    }

    @Override
    public CompletableFuture<Integer> forgetSeenBefore(Instant before) {
        return positions.forgetSeenBefore(before);
    }
}
