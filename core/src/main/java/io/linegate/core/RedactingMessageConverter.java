package io.linegate.core;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback {@code %msg} replacement that runs every message through {@link Redaction} and then
 * {@link LogText#escape}, so that every logger (ours and the libraries') masks secrets and writes
 * one line per event, whatever a user's message or a header held.
 *
 * <p>Configured in the shipped {@code logback.xml} as
 * {@code <conversionRule conversionWord="msg" class="io.linegate.core.RedactingMessageConverter"/>}.
 */
public final class RedactingMessageConverter extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return LogText.escape(Redaction.redact(super.convert(event)));
    }
}
