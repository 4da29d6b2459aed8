package io.linegate.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * While {@code linegate preflight} runs, nothing but its report reaches the terminal: its probes
 * (a TLS 1.1 handshake the server refuses, a slow or broken server) make the HTTP and TLS libraries
 * log warnings with stack traces, which are the probes' business, not the report's. Every appender
 * is detached for the run and put back after; with {@code --debug FILE} the log goes to that file
 * instead, at DEBUG, through the same pattern (and the same redaction of secrets) as the console's.
 */
final class PreflightLogging implements AutoCloseable {
    private record Attached(Logger logger, Appender<ILoggingEvent> appender) {}

    private final LoggerContext context;
    private final List<Attached> detached = new ArrayList<>();
    private final Level rootLevel;
    private final FileAppender<ILoggingEvent> file; // null without --debug

    private PreflightLogging(LoggerContext context, Path debugFile) {
        this.context = context;
        for (Logger logger : context.getLoggerList()) {
            for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
                detached.add(new Attached(logger, it.next()));
            }
        }
        detached.forEach(a -> a.logger().detachAppender(a.appender()));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        this.rootLevel = root.getLevel();
        if (debugFile == null) {
            this.file = null;
            return;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n%ex");
        encoder.start();
        this.file = new FileAppender<>();
        file.setContext(context);
        file.setName("preflight-debug");
        file.setFile(debugFile.toAbsolutePath().toString());
        file.setAppend(false);
        file.setEncoder(encoder);
        file.start();
        root.addAppender(file);
        root.setLevel(Level.DEBUG);
    }

    /** Silences the log for the run, or sends it to {@code debugFile} (null: nowhere). */
    static PreflightLogging during(Path debugFile) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            throw new IllegalStateException("preflight expects logback as the logging backend");
        }
        return new PreflightLogging(context, debugFile);
    }

    @Override
    public void close() {
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (file != null) {
            root.detachAppender(file);
            file.stop();
        }
        root.setLevel(rootLevel);
        detached.forEach(a -> a.logger().addAppender(a.appender()));
    }
}
