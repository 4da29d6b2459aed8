package io.linegate.spring;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mistake in the starter's configuration, found as the application starts: its message names the
 * property ({@code line.bot.*}, {@code linegate.*}) or the {@code @EventMapping} method, and what it
 * needs. {@link LinegateFailureAnalyzer} turns it into Spring Boot's "APPLICATION FAILED TO START"
 * report.
 */
public class InvalidLinegateConfiguration extends IllegalStateException {
    private static final Pattern PROPERTY = Pattern.compile("(?:line\\.bot|linegate)\\.[a-z0-9\\-]+(?:\\.[a-z0-9\\-]+)*");

    private final String property;

    InvalidLinegateConfiguration(String message) {
        this(propertyIn(message), message, null);
    }

    InvalidLinegateConfiguration(String message, Throwable cause) {
        this(propertyIn(message), message, cause);
    }

    InvalidLinegateConfiguration(String property, String message) {
        this(property, message, null);
    }

    InvalidLinegateConfiguration(String property, String message, Throwable cause) {
        super(message, cause);
        this.property = property;
    }

    /** The property the mistake is in, such as {@code line.bot.channel-secret}; null for a handler method. */
    public String property() {
        return property;
    }

    /** The environment variable Spring Boot binds to {@code property} (relaxed binding), such as {@code LINE_BOT_CHANNELSECRET}. */
    static String environmentVariable(String property) {
        return property.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private static String propertyIn(String message) {
        Matcher m = PROPERTY.matcher(message);
        return m.find() ? m.group() : null;
    }
}
