package io.linegate.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Log forging: a value that came from outside cannot start a line of its own in the log, nor send
 * terminal escapes, because the converters every logback configuration of linegate uses escape it.
 */
class LogTextTest {
    static final String FORGED = "hi\n12:00:00.000 INFO  i.l.s.AdminService - admin token accepted\r\u001b[31mred\u2028x";

    @Test
    void controlCharactersAreWrittenAsEscapes() {
        assertThat(LogText.escape(FORGED)).isEqualTo(
                "hi\\n12:00:00.000 INFO  i.l.s.AdminService - admin token accepted\\r\\u001b[31mred\\u2028x");
        assertThat(LogText.escape("tab\there, del\u007f, c1\u0085")).isEqualTo("tab\\there, del\\u007f, c1\\u0085");
        String plain = "nothing to escape: 日本語 and \\n as typed";
        assertThat(LogText.escape(plain)).isSameAs(plain);
        assertThat(LogText.escape(null)).isNull();
    }

    @Test
    void aMessageFromOutsideStaysOnOneLogLine() throws Exception {
        List<String> lines = log((logger) -> logger.info("no route for this event; ignored: {}",
                "{\"text\":\"" + FORGED + "\"}"));
        assertThat(lines).singleElement().satisfies(line -> assertThat(line)
                .startsWith("INFO no route for this event; ignored: ")
                .contains("hi\\n12:00:00.000 INFO")
                .contains("\\u001b[31m")
                .doesNotContain("\u001b"));
    }

    @Test
    void anExceptionMessageFromOutsideCannotAddLinesToAStackTrace() throws Exception {
        List<String> lines = log((logger) -> logger.warn("handler failed",
                new IllegalStateException("bad input " + FORGED, new RuntimeException("cause\nforged cause line"))));
        assertThat(lines.get(0)).isEqualTo("WARN handler failed");
        assertThat(lines.get(1)).startsWith("java.lang.IllegalStateException: bad input hi\\n12:00:00.000 INFO");
        // Every other line belongs to the stack trace: a frame, an elision or a cause.
        assertThat(lines.subList(2, lines.size())).allSatisfy(l -> assertThat(l)
                .matches("^(\\tat |\\t\\.\\.\\. |Caused by: java\\.lang\\.RuntimeException: cause\\\\nforged cause line).*"));
        assertThat(lines).anyMatch(l -> l.startsWith("Caused by: "));
    }

    @Test
    void secretsAreStillMaskedBeforeEscaping() throws Exception {
        List<String> lines = log((logger) -> logger.info("header was {}", "Authorization: Bearer abc.def\nnext"));
        assertThat(lines).singleElement().isEqualTo("INFO header was Authorization: Bearer [REDACTED]\\nnext");
    }

    interface Logging {
        void run(org.slf4j.Logger logger);  // fully qualified: logback's Logger is imported
    }

    /** Logs through a logback context configured like the shipped logback.xml, and returns the lines. */
    @SuppressWarnings("unchecked")
    static List<String> log(Logging body) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        String xml = "<configuration>"
                + "<conversionRule conversionWord=\"msg\" class=\"io.linegate.core.RedactingMessageConverter\"/>"
                + "<conversionRule conversionWord=\"ex\" class=\"io.linegate.core.RedactingThrowableConverter\"/>"
                + "<appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<encoder><pattern>%level %msg%n%ex</pattern></encoder></appender>"
                + "<root level=\"INFO\"><appender-ref ref=\"OUT\"/></root></configuration>";
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        // The same encoder (pattern and converters), writing to memory instead of the console.
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender("OUT");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> memory = new OutputStreamAppender<>();
        memory.setContext(context);
        memory.setEncoder(console.getEncoder());
        memory.setOutputStream(out);
        memory.start();
        root.detachAppender(console);
        root.addAppender(memory);
        body.run(context.getLogger("test"));

        context.stop();
        String text = out.toString(StandardCharsets.UTF_8);
        return Arrays.asList(text.split("\\r?\\n"));
    }
}
