package io.linegate.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Every log event of the JVM while open, safe to read while server threads still log. */
final class CapturedLogs extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

    static CapturedLogs capture() {
        CapturedLogs logs = new CapturedLogs();
        logs.setName("captured-" + System.nanoTime());
        logs.start();
        root().addAppender(logs);
        return logs;
    }

    @Override
    protected void append(ILoggingEvent e) {
        e.prepareForDeferredProcessing();
        events.add(e);
    }

    List<ILoggingEvent> of(String logger) {
        return events.stream().filter(e -> e.getLoggerName().equals(logger)).toList();
    }

    @Override
    public void close() {
        root().detachAppender(this);
        stop();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    }
}
