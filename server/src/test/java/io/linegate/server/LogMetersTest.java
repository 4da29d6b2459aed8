package io.linegate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.store.LogStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The meters of a journal kept outside the store read the latest reading, survive collections, and say unknown as NaN. */
class LogMetersTest {

    @Test
    void lagHolderAndOldestAgeAreReadFromTheLatestReadingAndSurviveGarbageCollection() {
        AtomicReference<LogStatus.Snapshot> now = new AtomicReference<>(new LogStatus.Snapshot("kafka://k:9092/bot", Instant.now(),
                List.of(new LogStatus.Partition(0, 10, 7, 3, "node-a"), new LogStatus.Partition(1, 4, 4, 0, "node-b")),
                List.of(new LogStatus.Member("node-a", Set.of(0)), new LogStatus.Member("node-b", Set.of(1))),
                Duration.ofMillis(2500), null));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LogMeters.bind(registry, now::get, 2, "node-a"); // nothing else holds the status: only the gauges do

        for (int i = 0; i < 3; i++) {
            System.gc();
        }

        assertThat(registry.get("linegate.log.lag").tag("partition", "0").gauge().value()).isEqualTo(3.0);
        assertThat(registry.get("linegate.log.lag").tag("partition", "1").gauge().value()).isEqualTo(0.0);
        assertThat(registry.get("linegate.log.partition.held").tag("partition", "0").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("linegate.log.partition.held").tag("partition", "1").gauge().value()).isEqualTo(0.0);
        assertThat(registry.get("linegate.log.oldest.unfinished").gauge().value()).isEqualTo(2.5);

        now.set(new LogStatus.Snapshot("kafka://k:9092/bot", Instant.now(),
                List.of(new LogStatus.Partition(0, 10, 10, 0, "node-b"), new LogStatus.Partition(1, 4, 4, 0, "node-b")),
                List.of(new LogStatus.Member("node-b", Set.of(0, 1))), null, null));
        assertThat(registry.get("linegate.log.lag").tag("partition", "0").gauge().value()).isEqualTo(0.0);
        assertThat(registry.get("linegate.log.partition.held").tag("partition", "0").gauge().value()).isEqualTo(0.0);
        assertThat(registry.get("linegate.log.oldest.unfinished").gauge().value()).as("nothing waits").isEqualTo(0.0);
    }

    @Test
    void aFailedReadingIsUnknownNotZero() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LogMeters.bind(registry, () -> LogStatus.Snapshot.failed("kafka://k:9092/bot", Instant.now(), "Kafka at k:9092: no answer"),
                1, "node-a");

        assertThat(registry.get("linegate.log.lag").tag("partition", "0").gauge().value()).isNaN();
        assertThat(registry.get("linegate.log.partition.held").tag("partition", "0").gauge().value()).isNaN();
        assertThat(registry.get("linegate.log.oldest.unfinished").gauge().value()).isNaN();
    }
}
