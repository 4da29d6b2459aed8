package io.linegate.core;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A console appender for a logger that writes a line per request (the webhook access log): the
 * logging thread only queues the event, without waking anyone, and one thread of the appender's own
 * encodes what has queued and writes it to standard output a few lines per system call, every
 * {@value #PERIOD_MILLIS} ms while there is something to write. A {@code ConsoleAppender} behind an
 * {@code AsyncAppender} costs a wake-up of the appender's thread and a {@code write} call for every
 * line; here both are per batch. Lines are written whole and in order, each call at most
 * {@value #MAX_WRITE} bytes (the size a pipe writes at once), so that the lines of other appenders on
 * the same output never land inside one of these.
 *
 * <p>Never blocks the logging thread: when {@code queueSize} events wait, further ones are dropped
 * (as an {@code AsyncAppender} with {@code neverBlock}), and the count of dropped lines is written
 * once the queue has room again. The appender's thread writes what is queued when it stops.
 *
 * <pre>{@code
 * <appender name="ACCESS" class="io.linegate.core.BatchedConsoleAppender">
 *   <queueSize>8192</queueSize>
 *   <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>
 * </appender>
 * }</pre>
 */
public final class BatchedConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    static final int PERIOD_MILLIS = 10;
    static final int MAX_WRITE = 4096;

    private Encoder<ILoggingEvent> encoder;
    private int queueSize = 8192;
    private OutputStream out = new FileOutputStream(FileDescriptor.out);
    private ArrayBlockingQueue<ILoggingEvent> queue;
    private final AtomicLong dropped = new AtomicLong();
    private Thread writer;

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    public Encoder<ILoggingEvent> getEncoder() {
        return encoder;
    }

    /** How many events may wait to be written; past it they are dropped (and counted). */
    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    /** Where the lines go instead of standard output (tests). */
    void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("no encoder set for the appender named \"" + name + "\"");
            return;
        }
        if (queueSize < 1) {
            addError("queueSize must be at least 1, was " + queueSize);
            return;
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        writer = new Thread(this::writeLoop, "linegate-log-" + name);
        writer.setDaemon(true);
        super.start();
        writer.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing(); // the message, thread name and MDC as they are now
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeLoop() {
        List<ILoggingEvent> batch = new ArrayList<>();
        ByteArrayOutputStream chunk = new ByteArrayOutputStream(MAX_WRITE);
        while (true) {
            boolean last = !isStarted();
            queue.drainTo(batch);
            if (!batch.isEmpty()) {
                write(batch, chunk);
                batch.clear();
            } else if (last) {
                return;
            } else {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS));
            }
            long lost = dropped.getAndSet(0);
            if (lost > 0) {
                writeQuietly(("[" + name + "] " + lost + " log lines dropped: more than " + queueSize
                        + " were waiting to be written\n").getBytes(StandardCharsets.UTF_8), chunk);
            }
        }
    }

    private void write(List<ILoggingEvent> batch, ByteArrayOutputStream chunk) {
        for (ILoggingEvent event : batch) {
            byte[] line;
            try {
                line = encoder.encode(event);
            } catch (RuntimeException e) {
                addError("could not encode a log line", e);
                continue;
            }
            if (chunk.size() > 0 && chunk.size() + line.length > MAX_WRITE) {
                flush(chunk);
            }
            chunk.write(line, 0, line.length);
        }
        flush(chunk);
    }

    private void writeQuietly(byte[] line, ByteArrayOutputStream chunk) {
        chunk.write(line, 0, line.length);
        flush(chunk);
    }

    private void flush(ByteArrayOutputStream chunk) {
        if (chunk.size() == 0) {
            return;
        }
        try {
            chunk.writeTo(out);
            out.flush();
        } catch (IOException e) {
            addError("could not write log lines", e);
        } finally {
            chunk.reset();
        }
    }
}
