package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The logging configuration shipped in the {@code linegate} jar escapes what came from outside:
 * the echo bot's fallback logs a user's raw event, and a forged line in it stays on the bot's line.
 */
class ShippedLogbackTest {
    @Test
    void aUsersTextCannotForgeALineOrAColourInTheShippedLog() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try (InputStream xml = ShippedLogbackTest.class.getResourceAsStream("/logback.xml")) {
            assertThat(xml).as("the shipped logback.xml").isNotNull();
            configurator.doConfigure(xml);
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        @SuppressWarnings("unchecked")
        Encoder<ILoggingEvent> encoder = ((OutputStreamAppender<ILoggingEvent>) root.getAppender("OUT")).getEncoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> memory = new OutputStreamAppender<>();
        memory.setContext(context);
        memory.setEncoder(encoder);
        memory.setOutputStream(out);
        memory.start();
        root.detachAppender("OUT");
        root.addAppender(memory);

        String rawEvent = "{\"type\":\"message\",\"message\":{\"text\":\"hi\\u0085\u2028"
                + "12:00:00.000 INFO  AdminService - admin token accepted\u001b[2J\"}}";
        context.getLogger("io.linegate.examples.echo.EchoBot").info("no route for this event; ignored: {}", rawEvent);
        context.stop();

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text.split("\n")).hasSize(1);
        assertThat(text).contains("no route for this event").contains("\\u2028").contains("\\u001b[2J")
                .doesNotContain("\u001b").doesNotContain("\u2028");
    }
}
