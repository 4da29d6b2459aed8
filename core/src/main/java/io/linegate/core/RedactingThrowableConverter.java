package io.linegate.core;

import ch.qos.logback.classic.pattern.ExtendedThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;

/**
 * Logback {@code %ex} replacement: exception messages and stack traces pass through {@link Redaction},
 * and each exception's message is escaped with {@link LogText#escape}, so that the only line breaks
 * in a stack trace are the ones between its frames.
 */
public final class RedactingThrowableConverter extends ExtendedThrowableProxyConverter {
    @Override
    protected String throwableProxyToString(IThrowableProxy tp) {
        return Redaction.redact(super.throwableProxyToString(Escaped.of(tp)));
    }

    @Override
    public String convert(ILoggingEvent event) {
        return Redaction.redact(super.convert(event));
    }

    /** A throwable as logback sees it, with its message (and its causes' messages) escaped. */
    private record Escaped(IThrowableProxy proxy) implements IThrowableProxy {
        static IThrowableProxy of(IThrowableProxy tp) {
            return tp == null || tp instanceof Escaped ? tp : new Escaped(tp);
        }

        @Override public String getMessage() { return LogText.escape(proxy.getMessage()); }
        @Override public String getClassName() { return proxy.getClassName(); }
        @Override public StackTraceElementProxy[] getStackTraceElementProxyArray() { return proxy.getStackTraceElementProxyArray(); }
        @Override public int getCommonFrames() { return proxy.getCommonFrames(); }
        @Override public IThrowableProxy getCause() { return of(proxy.getCause()); }
        @Override public boolean isCyclic() { return proxy.isCyclic(); }

        @Override
        public IThrowableProxy[] getSuppressed() {
            IThrowableProxy[] s = proxy.getSuppressed();
            if (s == null) {
                return null;
            }
            IThrowableProxy[] out = new IThrowableProxy[s.length];
            for (int i = 0; i < s.length; i++) {
                out[i] = of(s[i]);
            }
            return out;
        }
    }
}
