package io.linegate.journal.kafka;

import io.linegate.core.RateLimitedLog;
import io.linegate.store.LogPositions;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's thread: the group protocol decides which partitions this node holds (cooperative
 * rebalancing: only the partitions that move stop); a partition given to this node is claimed in the
 * store first (its epoch raised, so that the previous owner's commits fail) and read from the
 * position committed there, skipping what was finished above it; a partition the group takes back
 * starts no run and is handed over once the handler runs in flight for it have ended (for a bounded
 * time, see {@code handOver}), then forgotten with its fetched events; a partition lost is forgotten
 * at once. Fetching pauses while {@code maxBuffered} events wait here. A record that is not
 * linegate's becomes a dead letter naming its partition and offset.
 */
final class ConsumerLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);
    /** How often a handover's wait looks at the clock (a pause) and counts as polling. */
    private static final long HANDOVER_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final String nodeId;
    private final LogPositions positions;
    private final Fetched fetched;
    private final int maxBuffered;
    private final Set<Integer> unclaimed = new HashSet<>(); // assigned, not yet claimed in the store (it failed)
    private final RateLimitedLog failures = new RateLimitedLog(log, 1, Duration.ofSeconds(10));
    private final long silenceNanos;
    private final Duration handoverWait;
    private volatile boolean running = true;
    private boolean paused;
    private long lastPollNanos = System.nanoTime();
    private double heartbeatsAtGap = -1; // at least 0 while a gap between polls waits for the group to confirm

    ConsumerLoop(Consumer<String, byte[]> consumer, String topic, String nodeId, LogPositions positions, Fetched fetched,
                 int maxBuffered, Duration silence, Duration handoverWait) {
        this.silenceNanos = silence.toNanos();
        this.handoverWait = handoverWait;
        this.consumer = consumer;
        this.topic = topic;
        this.nodeId = nodeId;
        this.positions = positions;
        this.fetched = fetched;
        this.maxBuffered = maxBuffered;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            while (running) {
                ConsumerRecords<String, byte[]> records;
                try {
                    claimUnclaimed();
                    records = consumer.poll(Duration.ofMillis(200));
                    polled();
                } catch (WakeupException e) {
                    break;
                } catch (KafkaException e) {
                    failures.warn("the Kafka consumer failed ({}); trying again", e.toString());
                    sleep(500);
                    continue;
                }
                if (!records.isEmpty()) {
                    accept(records);
                }
                backpressure();
            }
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5)); // leaves the group: the others take the partitions at once
            } catch (RuntimeException e) {
                log.debug("closing the consumer: {}", e.toString());
            }
            for (int p : fetched.heldPartitions()) {
                fetched.release(p);
            }
        }
    }

    /**
     * A poll returned. Polling alone is not proof of membership: a node paused past its session timeout
     * (SIGSTOP, a frozen VM, a long GC) returns from the poll it was in before its consumer hears that the
     * group dropped it, and so before {@code onPartitionsLost} runs. So after a gap between polls long
     * enough for {@link GroupCluster#holds} to have said "nothing held", this node goes on holding nothing
     * until three heartbeat answers came after the gap: the second is an answer to a heartbeat sent after
     * the gap, an error if the group dropped this node, and then the consumer sends none until it has given
     * the partitions up ({@code onPartitionsLost}, in a poll) and joined again; a third means either that.
     */
    private void polled() {
        long now = System.nanoTime();
        boolean gap = now - lastPollNanos >= silenceNanos;
        lastPollNanos = now;
        if (gap) {
            heartbeatsAtGap = heartbeats();
            log.info("the consumer of {} did not poll for {} ms; this node holds nothing until the group confirms it",
                    topic, TimeUnit.NANOSECONDS.toMillis(silenceNanos));
            return;
        }
        if (heartbeatsAtGap >= 0) {
            if (heartbeats() < heartbeatsAtGap + 3) {
                return;
            }
            heartbeatsAtGap = -1;
        }
        fetched.polled();
    }

    /** The heartbeat answers the consumer has had (its coordinator's {@code heartbeat-total}), or -1. */
    private double heartbeats() {
        for (Map.Entry<MetricName, ? extends Metric> m : consumer.metrics().entrySet()) {
            if (m.getKey().name().equals("heartbeat-total") && m.getKey().group().endsWith("-coordinator-metrics")
                    && m.getValue().metricValue() instanceof Number n) {
                return n.doubleValue();
            }
        }
        return -1; // not reported by this consumer: nothing to wait for
    }

    void stop() {
        running = false;
        consumer.wakeup();
    }

    private void accept(ConsumerRecords<String, byte[]> records) {
        List<String> ids = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> r : records) {
            String id = header(r, KafkaEventJournal.EVENT_ID);
            if (id != null) {
                ids.add(KafkaDeadLetters.dedupeKey(id, header(r, KafkaDeadLetters.REPLAY)));
            }
        }
        Set<String> seen;
        try {
            seen = ids.isEmpty() ? Set.of() : positions.seenAmong(ids);
        } catch (RuntimeException e) {
            // The store cannot be read: read these records again once it can.
            failures.warn("could not read the finished event ids from the store ({}); fetching again", e.toString());
            rewind(records);
            sleep(1000);
            return;
        }
        for (ConsumerRecord<String, byte[]> r : records) {
            Fetched.Held h = fetched.held(r.partition());
            if (h == null) {
                continue;
            }
            String id = header(r, KafkaEventJournal.EVENT_ID);
            String payload = r.value() == null ? null : utf8(r.value());
            if (id == null || r.key() == null || payload == null) {
                foreign(h, r);
                continue;
            }
            String key = KafkaDeadLetters.dedupeKey(id, header(r, KafkaDeadLetters.REPLAY));
            fetched.add(h, r.offset(), id, key, r.key(), header(r, KafkaEventJournal.DESTINATION), payload,
                    Instant.ofEpochMilli(r.timestamp()), seen.contains(key), false);
        }
    }

    /** A record linegate did not write: a dead letter with its partition and offset, never a stuck partition. */
    private void foreign(Fetched.Held h, ConsumerRecord<String, byte[]> r) {
        String where = topic + "/" + r.partition() + "@" + r.offset();
        String readable = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8).replace('\0', '\uFFFD');
        // Its own position and done-mark, as an event's: a takeover does not dead-letter it twice.
        Fetched.Entry e = fetched.add(h, r.offset(), "kafka:" + where, "unparsed", null, readable,
                Instant.ofEpochMilli(r.timestamp()), false, true);
        if (e == null) {
            return;
        }
        long position = fetched.startFinishing(e);
        LogPositions.DeadLetter letter = new LogPositions.DeadLetter(e.eventId, "unparsed", null, readable, e.receivedAt, 0,
                "a record on " + where + " that linegate did not write (no event id header, no key or no UTF-8 value)");
        positions.finish(h.partition, h.epoch, r.offset(), position, e.eventId, LogPositions.Finish.deadLetter(letter)).whenComplete((v, error) -> {
            fetched.finished(e, error == null);
            if (error == null) {
                log.warn("a record on {} that linegate did not write was kept as a dead letter", where);
            } else {
                log.warn("could not dead-letter the foreign record on {}: {}", where, error.toString());
            }
        });
    }

    private void rewind(ConsumerRecords<String, byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> rs = records.records(tp);
            consumer.seek(tp, rs.get(0).offset());
        }
    }

    private void backpressure() {
        boolean full = fetched.size() >= maxBuffered;
        if (full && !paused) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (!full && paused) {
            consumer.resume(consumer.paused());
            paused = false;
        } else if (paused) {
            consumer.pause(consumer.assignment()); // partitions assigned since
        }
    }

    private void claimUnclaimed() {
        if (unclaimed.isEmpty()) {
            return;
        }
        for (int p : Set.copyOf(unclaimed)) {
            claim(p);
        }
    }

    /** Takes the partition in the store and reads it from its committed position; paused until that succeeds. */
    private void claim(int partition) {
        TopicPartition tp = new TopicPartition(topic, partition);
        try {
            LogPositions.Claim c = positions.claim(partition, nodeId).get(10, TimeUnit.SECONDS);
            fetched.hold(new Fetched.Held(partition, c));
            consumer.seek(tp, c.nextOffset());
            unclaimed.remove(partition);
            if (!paused) {
                consumer.resume(List.of(tp));
            }
            log.info("took partition {} of {} at offset {} (epoch {})", partition, topic, c.nextOffset(), c.epoch());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            unclaimed.add(partition);
            consumer.pause(List.of(tp));
            failures.warn("could not take partition {} of {} in the store ({}); trying again", partition, topic, e.toString());
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                claim(tp.partition());
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            handOver(partitions);
            drop(partitions, "given to another node");
        }

        /**
         * The group takes these partitions back (cooperative rebalancing: another node joined, or the assignment
         * moves them): no run of theirs starts any more, and the runs in flight go on until they end and their
         * done-marks and positions are committed, for at most {@code handoverWait}; only then does this callback
         * return and the group give them to their next holder, which therefore never runs an event this node is
         * still running. Not for a lost partition ({@code onPartitionsLost}): another node may own it already.
         *
         * <p>This waits inside {@code poll()}, on the consumer's thread, for nothing that needs that thread: the
         * runs need the handler threads, the store (its own connections and threads) and LINE; their done-marks
         * need {@link Fetched}'s monitor, which the wait gives up. The group keeps this node meanwhile (the
         * consumer's heartbeat thread answers the coordinator; the bound is far below {@code max.poll.interval.ms}),
         * so the wait counts as polling for {@link GroupCluster#holds}, with the same check of a gap (a pause) as
         * after a poll.
         */
        private void handOver(Collection<TopicPartition> partitions) {
            List<Integer> numbers = numbers(partitions);
            if (numbers.isEmpty()) {
                return;
            }
            fetched.startHandover(numbers);
            long started = System.nanoTime();
            long until = started + handoverWait.toNanos();
            Map<Integer, Fetched.Busy> busy = Map.of();
            boolean said = false;
            try {
                while (true) {
                    busy = fetched.awaitIdle(numbers, Math.max(0, Math.min(until - System.nanoTime(), HANDOVER_SLICE_NANOS)));
                    if (busy.isEmpty() || until - System.nanoTime() <= 0) {
                        break;
                    }
                    if (!said) {
                        said = true;
                        log.info("partitions {} of {} go to another node once their handler runs in flight end: waiting"
                                + " up to {} ms for {}", numbers, topic, handoverWait.toMillis(), describe(busy));
                    }
                    polled();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!busy.isEmpty()) {
                log.warn("partitions of {} handed over after {} ms (the most it waits) with handler runs still in flight:"
                        + " {}; their done-marks will be refused and the next holder runs those events again", topic,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), describe(busy));
            } else if (said) {
                log.info("partitions {} of {}: their handler runs ended after {} ms", numbers, topic,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            drop(partitions, "lost (this node was out of the group)");
        }

        private void drop(Collection<TopicPartition> partitions, String why) {
            for (TopicPartition tp : partitions) {
                unclaimed.remove(tp.partition());
                fetched.release(tp.partition());
            }
            if (!partitions.isEmpty()) {
                log.info("partitions {} of {} {}; their fetched events are dropped here", numbers(partitions), topic, why);
            }
        }
    }

    /** "partition 3: 2 runs in flight, 1 done-mark committing; ..." */
    private static String describe(Map<Integer, Fetched.Busy> busy) {
        StringBuilder out = new StringBuilder();
        busy.forEach((p, b) -> {
            if (out.length() > 0) {
                out.append("; ");
            }
            out.append("partition ").append(p).append(": ").append(b.runs()).append(b.runs() == 1 ? " run" : " runs")
                    .append(" in flight");
            if (b.commits() > 0) {
                out.append(", ").append(b.commits()).append(b.commits() == 1 ? " write" : " writes").append(" committing");
            }
        });
        return out.toString();
    }

    private static List<Integer> numbers(Collection<TopicPartition> partitions) {
        Map<Integer, Boolean> ordered = new HashMap<>();
        partitions.forEach(tp -> ordered.put(tp.partition(), true));
        return ordered.keySet().stream().sorted().toList();
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : utf8(h.value());
    }

    /** The bytes as UTF-8, or null if they are not. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
