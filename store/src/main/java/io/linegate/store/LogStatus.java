package io.linegate.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a journal kept outside the store (a partitioned log: Apache Kafka's events topic) stands, for
 * operators: per partition the log's end, the stored position and the lag between them, which node
 * holds it, and the age of the oldest event not finished. Every figure of one {@link Snapshot} comes
 * from one reading: the store's positions first, then the log's ends (which only grow), so a lag is
 * never negative and never hides an event appended before the reading.
 */
public interface LogStatus {

    /**
     * The latest reading: a command reads now; a serving node answers its last periodic reading (cheap,
     * for its meters), which says when it was taken ({@link Snapshot#readAt}).
     */
    Snapshot snapshot();

    /**
     * One partition.
     *
     * @param end      the log end offset (the offset the next record will get)
     * @param position the stored position: the lowest offset not finished (a takeover reads from it)
     * @param lag      events at or above the position and below the end not finished yet (the events
     *                 finished above the position are not counted), never negative
     * @param holder   the node the consumer group has given the partition to; null if none
     */
    record Partition(int partition, long end, long position, long lag, String holder) {}

    /** A member of the consumer group: a node and the partitions the group gave it. */
    record Member(String node, Set<Integer> partitions) {}

    /**
     * One reading.
     *
     * @param source      what was read (the log and the group), for a heading
     * @param readAt      when; null before the first reading
     * @param partitions  every partition of the log, in order
     * @param members     the group's members (a member may hold no partition)
     * @param oldest      the age of the oldest event not finished, at {@code readAt}; null when there is none
     * @param problem     why the reading failed (then the lists are empty); null when it did not
     */
    record Snapshot(String source, Instant readAt, List<Partition> partitions, List<Member> members, Duration oldest,
                    String problem) {

        /** Events not finished in every partition. */
        public long lag() {
            return partitions.stream().mapToLong(Partition::lag).sum();
        }

        public Optional<Partition> partition(int p) {
            return partitions.stream().filter(x -> x.partition() == p).findFirst();
        }

        public static Snapshot failed(String source, Instant at, String problem) {
            return new Snapshot(source, at, List.of(), List.of(), null, problem);
        }
    }
}
