package io.linegate.journal.kafka;

import io.linegate.store.Cluster;
import io.linegate.store.LogStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The nodes as Kafka's consumer group sees them: a node holds the partitions the group assigned it
 * and it claimed in the store ({@link ConsumerLoop}); nothing is leased here, and a heartbeat only
 * reads what this node holds now. Giving partitions back ({@link #leave}) is leaving the group.
 */
final class GroupCluster implements Cluster {
    private final int partitions;
    private final String nodeId;
    private final Fetched fetched;
    private final Runnable leaveGroup;
    private final Clock clock;
    private final long silenceNanos;
    private final LogStatus log;

    /**
     * {@code sessionTimeout}: the group's. The coordinator may count a node gone once no heartbeat came
     * for that long, and the last heartbeat may have left up to one heartbeat interval (a fifth of it,
     * see {@link KafkaJournal}) before the last poll: a node whose consumer has not polled for three
     * fifths of it holds nothing, before the group can have moved its partitions.
     */
    GroupCluster(int partitions, String nodeId, Fetched fetched, Runnable leaveGroup, Clock clock, Duration sessionTimeout) {
        this(partitions, nodeId, fetched, leaveGroup, clock, sessionTimeout, null);
    }

    /** {@code log}: what {@link #log()} answers (the node's periodic reading of the events topic). */
    GroupCluster(int partitions, String nodeId, Fetched fetched, Runnable leaveGroup, Clock clock, Duration sessionTimeout,
                 LogStatus log) {
        this.partitions = partitions;
        this.nodeId = nodeId;
        this.fetched = fetched;
        this.leaveGroup = leaveGroup;
        this.clock = clock;
        this.silenceNanos = silence(sessionTimeout).toNanos();
        this.log = log;
    }

    /** How long a node whose consumer has not polled holds nothing: three fifths of the group's session timeout. */
    static Duration silence(Duration sessionTimeout) {
        return Duration.ofNanos(sessionTimeout.toNanos() * 3 / 5);
    }

    /** The events topic as Kafka and the store see it: lag per partition, the group's members, the oldest event's age. */
    @Override
    public Optional<LogStatus> log() {
        return Optional.ofNullable(log);
    }

    @Override
    public int partitions() {
        return partitions;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public boolean shared() {
        return true;
    }

    /** The partitions held now; the group protocol, not this call, moves them ({@code release} is always empty). */
    @Override
    public Assignment heartbeat(Set<Integer> release, Duration ttl) {
        return new Assignment(fetched.heldPartitions(), 0, clock.instant().plus(ttl));
    }

    /** Claimed, not revoked (nor being handed over) or lost, and the consumer polled within the group's session timeout. */
    @Override
    public boolean holds(int partition) {
        return fetched.holds(partition, silenceNanos);
    }

    /**
     * A run counted in its partition's claim until it ends: a partition the group takes back is handed over once
     * the runs in flight for it have ended and their writes committed, or the handover's bound ran out
     * ({@link ConsumerLoop}); meanwhile those runs go on holding it ({@link Run#holds}), no other run starts.
     */
    @Override
    public Run startRun(int partition) {
        Fetched.Held h = fetched.startRun(partition, silenceNanos);
        if (h == null) {
            return null;
        }
        return new Run() {
            private final AtomicBoolean ended = new AtomicBoolean();

            @Override
            public boolean holds() {
                return !ended.get() && fetched.stillHeld(h, silenceNanos);
            }

            @Override
            public void end() {
                if (ended.compareAndSet(false, true)) {
                    fetched.endRun(h);
                }
            }
        };
    }

    /**
     * Not a slice: the group's member count is not read yet, so a node cannot know its share of LINE's
     * limits. NaN makes the sender take every send from the store's bucket for the channel, which all the
     * nodes share (a row per endpoint, see {@code RateBucketStore}), so that the nodes together stay under
     * the limits, at a store round trip per send.
     */
    @Override
    public double share() {
        return Double.NaN;
    }

    /** Always: there are no bodies to split (they are split at acknowledgement). */
    @Override
    public boolean leaseSplitting(Duration ttl) {
        return true;
    }

    @Override
    public void leave() {
        leaveGroup.run();
    }

    /** This node only: the other members are the group coordinator's to tell (not read yet). */
    @Override
    public List<Node> nodes() {
        return List.of(new Node(nodeId, Instant.now(clock), fetched.heldPartitions()));
    }

    /** Events fetched here and not finished, per partition. */
    @Override
    public Map<Integer, Long> backlog() {
        return fetched.countsPerPartition();
    }

    @Override
    public Snapshot snapshot() {
        return new Snapshot(nodes(), backlog(), 0);
    }
}
