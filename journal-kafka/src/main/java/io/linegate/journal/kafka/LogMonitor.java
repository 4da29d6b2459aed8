package io.linegate.journal.kafka;

import io.linegate.store.LogStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A serving node's view of the events topic for its meters: {@link KafkaLogStatus} read every
 * {@code period} on a thread of its own, so that a scrape never waits for Kafka; {@link #snapshot}
 * is the last whole reading (every meter of one scrape reads the same one), with no figures before the
 * first and after a failed one (its problem says why), never figures older than they claim.
 */
final class LogMonitor implements LogStatus, AutoCloseable {
    private final KafkaLogStatus reader;
    private final ScheduledExecutorService refresh;
    private volatile Snapshot last;

    LogMonitor(KafkaLogStatus reader, Duration period, String source) {
        this.reader = reader;
        this.last = new Snapshot(source, null, List.of(), List.of(), null, "not read yet");
        this.refresh = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "linegate-kafka-status");
            t.setDaemon(true);
            return t;
        });
        refresh.scheduleWithFixedDelay(() -> last = reader.snapshot(), 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Snapshot snapshot() {
        return last;
    }

    @Override
    public void close() {
        refresh.shutdownNow();
        try {
            refresh.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.close();
    }
}
