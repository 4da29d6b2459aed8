package io.linegate.server;

import io.linegate.store.Cluster;
import io.linegate.store.LogStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * A journal kept outside the store (Kafka's events topic), as meters, where the cluster has one
 * ({@link Cluster#log()}): per partition {@code linegate_log_lag_events{partition}} (events not finished
 * yet), {@code linegate_log_partition_held{partition}} (1 on the node the consumer group gave it to,
 * 0 on the others), and {@code linegate_log_oldest_unfinished_seconds} (0 when nothing waits). Every
 * gauge of a scrape reads the same periodic reading; before the first and after a failed one they
 * read NaN (unknown), never a stale or made-up figure. The gauges hold their functions strongly: a
 * gauge holding its object weakly reads NaN once a collection has taken it.
 */
final class LogMeters {
    private LogMeters() {
    }

    static void bind(MeterRegistry registry, Cluster cluster) {
        cluster.log().ifPresent(log -> bind(registry, log, cluster.partitions(), cluster.nodeId()));
    }

    static void bind(MeterRegistry registry, LogStatus log, int partitions, String nodeId) {
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            gauge("linegate.log.lag", log, s -> s.partition(partition).map(x -> (double) x.lag()).orElse(Double.NaN))
                    .tag("partition", String.valueOf(p)).baseUnit("events")
                    .description("events of the journal's partition not finished yet (log end minus stored position)")
                    .register(registry);
            gauge("linegate.log.partition.held", log, s -> s.partition(partition)
                    .map(x -> nodeId.equals(x.holder()) ? 1.0 : 0.0).orElse(Double.NaN))
                    .tag("partition", String.valueOf(p))
                    .description("1 if the consumer group has given the partition to this node")
                    .register(registry);
        }
        gauge("linegate.log.oldest.unfinished", log, s -> s.problem() != null ? Double.NaN
                : s.oldest() == null ? 0.0 : s.oldest().toMillis() / 1000.0)
                .baseUnit("seconds").description("age of the oldest event of the journal not finished yet, on any node")
                .register(registry);
    }

    private static Gauge.Builder<LogStatus> gauge(String name, LogStatus log, ToDoubleFunction<LogStatus.Snapshot> value) {
        return Gauge.builder(name, log, l -> value.applyAsDouble(l.snapshot())).strongReference(true);
    }
}
