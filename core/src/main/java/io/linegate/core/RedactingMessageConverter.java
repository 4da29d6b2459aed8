package io.linegate.core;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback {@code %msg} replacement that runs every message through {@link Redaction}.
 *
 * <p>Configured in the shipped {@code logback.xml} as
 * {@code <conversionRule conversionWord="msg" class="io.linegate.core.RedactingMessageConverter"/>}.
 */
public final class RedactingMessageConverter extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Redaction.redact(super.convert(event));
    }
}
