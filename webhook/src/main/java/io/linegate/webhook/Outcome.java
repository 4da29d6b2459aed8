package io.linegate.webhook;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a {@link Middleware} decided for an event: done (under an outcome name, the
 * {@code outcome} tag of the {@code linegate_events_processed_total} metric), or held for later.
 */
public final class Outcome {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    private static final Outcome HANDLED = new Outcome("handled", null);

    private final String name;
    private final Duration delay; // null unless deferred

    private Outcome(String name, Duration delay) {
        this.name = name;
        this.delay = delay;
    }

    /** The bot's handler handled the event. */
    public static Outcome handled() {
        return HANDLED;
    }

    /**
     * The event is done without (or besides) the bot's handler, counted as {@code name}: lower case
     * letters, digits and {@code _}, at most 40 characters, for example {@code "not_allowed"}. Keep
     * the names few: each is a metric series.
     */
    public static Outcome completed(String name) {
        Objects.requireNonNull(name, "outcome name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("an outcome name is lower case letters, digits and _ (at most 40,"
                    + " starting with a letter), was '" + name + "'");
        }
        return "handled".equals(name) ? HANDLED : new Outcome(name, null);
    }

    /**
     * The event stays pending and runs through the chain again after {@code delay} (at least 1 ms);
     * the conversation's later events wait behind it. Not an attempt: nothing failed.
     */
    public static Outcome deferred(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.isZero()) {
            throw new IllegalArgumentException("a deferral needs a positive delay, was " + delay);
        }
        return new Outcome("deferred", delay);
    }

    /** The outcome's name ({@code "deferred"} for a deferral). */
    public String name() {
        return name;
    }

    public boolean isDeferred() {
        return delay != null;
    }

    /** How long a deferred event waits; null for a done one. */
    public Duration delay() {
        return delay;
    }

    @Override
    public String toString() {
        return delay == null ? name : "deferred " + delay;
    }
}
