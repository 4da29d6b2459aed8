package io.linegate.spring;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook access log the guidelines ask for ("Save webhook logs": time, sender address, method,
 * path, status) with the latency, on the {@code linegate.access} logger, written by a thread of its own.
 * The request threads only queue their line: an appender writes under a lock (logback's
 * {@code OutputStreamAppender}, log4j's managers), and with the servlet container's 200 request threads on
 * a few cores a holder preempted mid-write held every other webhook's {@code 200} behind it (a JFR
 * recording of the starter under load: 6,936 waits of 10 ms and more for logback's console appender,
 * 23 ms at the median, 274 ms at most). {@code linegate serve} queues the same lines through its logging
 * configuration; a Spring application's logging is its own, so the starter queues them itself.
 *
 * <p>Bounded and lossless: at most {@code capacity} lines wait; past that a request thread writes its line
 * itself, as it did before (the log slows acknowledgements, never loses a line). Lines are written in the
 * order they were queued, at most the queue's drain behind their answer; {@link #close} writes what is left.
 */
final class WebhookAccessLog implements AutoCloseable {
    private static final Logger access = LoggerFactory.getLogger("linegate.access");
    /** Lines waiting at most, as {@code linegate serve}'s logging queue. */
    static final int CAPACITY = 8192;
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** One request's line. */
    record Line(String address, String method, String path, int status, long nanos) {
        void write() {
            access.info("{} {} {} {} {}ms", address, method, path, status, TimeUnit.NANOSECONDS.toMicros(nanos) / 1000.0);
        }
    }

    private final int capacity;
    private final ConcurrentLinkedQueue<Line> lines = new ConcurrentLinkedQueue<>(); // no lock for the request threads
    private final AtomicInteger waiting = new AtomicInteger();
    private final Thread writer;
    private volatile boolean open = true;

    WebhookAccessLog() {
        this(CAPACITY);
    }

    WebhookAccessLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.writer = new Thread(this::drain, "linegate-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** Logs one answered webhook: queued for the writer, or written here when the queue is full or closed. */
    void record(String address, String method, String path, int status, long nanos) {
        if (!access.isInfoEnabled()) {
            return;
        }
        Line line = new Line(address, method, path, status, nanos);
        if (!open) {
            line.write();
            return;
        }
        if (waiting.incrementAndGet() > capacity) { // the writer is behind: this thread writes its own line
            waiting.decrementAndGet();
            line.write();
            return;
        }
        lines.add(line);
        if (open) {
            LockSupport.unpark(writer); // an unpark before the writer parks is not lost
        } else {
            writeQueued(); // closed meanwhile: the writer's last sweep may have run before this line was there
        }
    }

    /** Lines queued and not yet written (for tests). */
    int waiting() {
        return Math.max(0, waiting.get());
    }

    private void drain() {
        while (open) {
            Line line = lines.poll();
            if (line == null) {
                LockSupport.parkNanos(this, IDLE_PARK_NANOS);
            } else {
                write(line);
            }
        }
        writeQueued(); // after the close was seen: every line queued before it
    }

    private void writeQueued() {
        for (Line line = lines.poll(); line != null; line = lines.poll()) {
            write(line);
        }
    }

    private void write(Line line) {
        waiting.decrementAndGet();
        try {
            line.write();
        } catch (RuntimeException e) { // an appender's failure costs its line, not the writer
            LoggerFactory.getLogger(WebhookAccessLog.class).warn("an access log line could not be written", e);
        }
    }

    /** Writes what is queued and stops the writer; later lines are written by their request threads. */
    @Override
    public void close() {
        open = false;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
