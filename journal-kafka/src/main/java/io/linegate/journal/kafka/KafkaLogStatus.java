package io.linegate.journal.kafka;

import io.linegate.store.LogPositions;
import io.linegate.store.LogStatus;
import io.linegate.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads where the events topic stands, for {@code linegate cluster status} and a node's meters. It
 * joins no group: the log's ends and the group's members and assignment come from Kafka's
 * {@link Admin} client, the positions and the finished offsets above them from the store (one
 * statement), and the oldest unfinished event's receipt time from its record (a consumer that is
 * assigned the partitions, outside any group). Positions are read before the ends, and both only
 * grow, so a lag is never negative.
 *
 * <p>The holder of a partition is the group's assignment (Kafka's {@code describeConsumerGroups}), not
 * the store's last claim: a claim stays with a node that died until another node claims the partition,
 * while the group drops a dead node after its session timeout.
 */
public final class KafkaLogStatus implements LogStatus, AutoCloseable {
    private final KafkaLocation location;
    private final LogPositions positions;
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> records;
    private final Duration timeout;
    private final Clock clock;

    KafkaLogStatus(KafkaLocation location, LogPositions positions, Properties settings, Duration timeout, Clock clock) {
        this.location = location;
        this.positions = positions;
        this.timeout = timeout;
        this.clock = clock;
        Properties admin = KafkaClientSettings.forClient(location, settings, "status", timeout);
        this.admin = Admin.create(admin);
        Properties consumer = KafkaClientSettings.forClient(location, settings, "status", timeout);
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // It reads one record per lagging partition: small fetches, not a megabyte per partition every reading.
        consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
        consumer.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024));
        consumer.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(1024 * 1024));
        KafkaConsumer<byte[], byte[]> c;
        try {
            c = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (RuntimeException e) {
            this.admin.close(Duration.ZERO);
            throw e;
        }
        this.records = c;
    }

    /**
     * A reader for an operator's command, on {@code database} (the store the nodes share) and the
     * clients' {@code settings} ({@link KafkaClientSettings#load}); every call waits {@code timeout} at most.
     */
    public static KafkaLogStatus open(KafkaLocation location, Store database, Properties settings, Duration timeout) {
        LogPositions positions;
        try {
            positions = database.logPositions(location.eventsTopic());
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException("the Kafka journal keeps its positions in a SQLite or PostgreSQL store: "
                    + e.getMessage());
        }
        return new KafkaLogStatus(location, positions, settings, timeout, Clock.systemUTC());
    }

    private String source() {
        return location + " (topic " + location.eventsTopic() + ", group " + location.group() + ")";
    }

    /** Reads now; a failed reading says why in one line naming the bootstrap servers, with nothing else. */
    @Override
    public synchronized Snapshot snapshot() {
        Instant at = clock.instant();
        try {
            return read(at);
        } catch (ExecutionException e) {
            return Snapshot.failed(source(), at, problem(e.getCause()));
        } catch (TimeoutException e) {
            return Snapshot.failed(source(), at, problem(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Snapshot.failed(source(), at, "Kafka at " + location.bootstrapServers() + ": interrupted");
        } catch (KafkaException e) {
            return Snapshot.failed(source(), at, problem(e));
        } catch (RuntimeException e) {
            return Snapshot.failed(source(), at, "the store: " + e.getClass().getSimpleName());
        }
    }

    private String problem(Throwable e) {
        String what = e instanceof TimeoutException || e instanceof RetriableException
                ? "no answer within " + timeout.toSeconds() + " s" : e.getClass().getSimpleName();
        return "Kafka at " + location.bootstrapServers() + ": " + what;
    }

    private Snapshot read(Instant at) throws ExecutionException, TimeoutException, InterruptedException {
        long wait = timeout.toMillis();
        String topic = location.eventsTopic();
        int count = admin.describeTopics(List.of(topic)).allTopicNames().get(wait, TimeUnit.MILLISECONDS)
                .get(topic).partitions().size();
        // The store first, then the log's ends: both only grow, so end - position is never below what it was.
        Map<Integer, LogPositions.Standing> standing = positions.standing();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < count; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                .get(wait, TimeUnit.MILLISECONDS);
        List<Member> members = members(wait);
        Map<Integer, String> holders = new HashMap<>();
        for (Member m : members) {
            m.partitions().forEach(p -> holders.put(p, m.node()));
        }
        List<Partition> parts = new ArrayList<>();
        Map<TopicPartition, Long> firstUnfinished = new HashMap<>();
        Map<TopicPartition, Set<Long>> doneAbove = new HashMap<>();
        for (int p = 0; p < count; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            long end = ends.get(tp).offset();
            LogPositions.Standing s = standing.get(p);
            // A partition never claimed is read from its earliest record; its position is 0 in the store's terms.
            long position = s == null ? 0 : s.position();
            Set<Long> done = s == null ? Set.of() : s.doneAbove();
            long finishedBelowEnd = done.stream().filter(o -> o >= position && o < end).count();
            long lag = Math.max(0, end - position - finishedBelowEnd);
            parts.add(new Partition(p, end, position, lag, holders.get(p)));
            if (lag > 0) {
                long first = position;
                while (done.contains(first)) {
                    first++;
                }
                firstUnfinished.put(tp, first);
                doneAbove.put(tp, done);
            }
        }
        Duration oldest = oldest(firstUnfinished, doneAbove, at);
        return new Snapshot(source(), at, List.copyOf(parts), members, oldest, null);
    }

    private List<Member> members(long wait) throws ExecutionException, TimeoutException, InterruptedException {
        ConsumerGroupDescription group;
        try {
            group = admin.describeConsumerGroups(List.of(location.group())).all().get(wait, TimeUnit.MILLISECONDS)
                    .get(location.group());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return List.of(); // no node has joined yet
            }
            throw e;
        }
        String prefix = "linegate-" + location.prefix() + "-";
        List<Member> out = new ArrayList<>();
        for (MemberDescription m : group.members()) {
            String node = m.clientId().startsWith(prefix) ? m.clientId().substring(prefix.length()) : m.clientId();
            Set<Integer> held = new TreeSet<>();
            m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(location.eventsTopic()))
                    .forEach(tp -> held.add(tp.partition()));
            out.add(new Member(node, Set.copyOf(held)));
        }
        out.sort((a, b) -> a.node().compareTo(b.node()));
        return List.copyOf(out);
    }

    /** The receipt time of the first unfinished record of each lagging partition; the oldest of them, as an age. */
    private Duration oldest(Map<TopicPartition, Long> first, Map<TopicPartition, Set<Long>> done, Instant at) {
        if (first.isEmpty()) {
            return null;
        }
        records.assign(first.keySet());
        first.forEach(records::seek);
        Map<TopicPartition, Long> stamps = new HashMap<>();
        long until = System.nanoTime() + timeout.toNanos();
        while (stamps.size() < first.size() && System.nanoTime() - until < 0) {
            for (ConsumerRecord<byte[], byte[]> r : records.poll(Duration.ofMillis(100))) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (!stamps.containsKey(tp) && !done.get(tp).contains(r.offset())) {
                    stamps.put(tp, r.timestamp());
                    records.pause(List.of(tp));
                }
            }
        }
        records.unsubscribe();
        long oldest = stamps.values().stream().mapToLong(Long::longValue).min().orElse(at.toEpochMilli());
        return Duration.ofMillis(Math.max(0, at.toEpochMilli() - oldest));
    }

    /** Waits for a reading under way (each of its calls is bounded by the timeout): the clients are not thread-safe. */
    @Override
    public synchronized void close() {
        admin.close(Duration.ofSeconds(1));
        records.close(Duration.ofSeconds(1));
    }
}
