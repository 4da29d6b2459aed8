package io.linegate.journal.kafka;

import io.linegate.store.LogStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A serving node's view of the events topic for its meters: {@link KafkaLogStatus} read every
 * {@code period} on a thread of its own, so that a scrape never waits for Kafka; {@link #snapshot}
 * is the last whole reading (every meter of one scrape reads the same one), with no figures before the
 * first and after a failed one (its problem says why), never figures older than they claim.
 *
 * <p>Started by the first {@link #snapshot} (a scrape, an operator's view): a node nobody watches opens
 * no extra Kafka clients and reads nothing.
 */
final class LogMonitor implements LogStatus, AutoCloseable {
    private final Supplier<KafkaLogStatus> open;
    private final Duration period;
    private KafkaLogStatus reader; // guarded by this
    private volatile ScheduledExecutorService refresh; // written under this
    private boolean closed; // guarded by this
    private volatile Snapshot last;

    LogMonitor(Supplier<KafkaLogStatus> open, Duration period, String source) {
        this.open = open;
        this.period = period;
        this.last = new Snapshot(source, null, List.of(), List.of(), null, "not read yet");
    }

    @Override
    public Snapshot snapshot() {
        if (refresh == null) {
            start();
        }
        return last;
    }

    private synchronized void start() {
        if (refresh != null || closed) {
            return;
        }
        KafkaLogStatus r = open.get();
        reader = r;
        refresh = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "linegate-kafka-status");
            t.setDaemon(true);
            return t;
        });
        refresh.scheduleWithFixedDelay(() -> last = r.snapshot(), 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        ScheduledExecutorService running;
        KafkaLogStatus r;
        synchronized (this) {
            closed = true;
            running = refresh;
            r = reader;
        }
        if (running == null) {
            return;
        }
        running.shutdownNow();
        try {
            running.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        r.close();
    }
}
