package io.linegate.core;

import java.time.Duration;
import org.slf4j.Logger;

/**
 * One logger's lines, at most {@code perWindow} per window; the rest are counted and summed up in one
 * line when the next window starts. For what untrusted callers can cause (malformed requests, bad
 * tokens, slow bodies): each case gets its line while an attack gets a bounded number of them.
 */
public final class RateLimitedLog {
    private final Logger log;
    private final int perWindow;
    private final long windowNanos;
    private long windowStart;
    private int logged;
    private long suppressed;

    public RateLimitedLog(Logger log, int perWindow, Duration window) {
        this.log = log;
        this.perWindow = perWindow;
        this.windowNanos = window.toNanos();
        this.windowStart = System.nanoTime();
    }

    /** Logs at INFO if this window still has room. */
    public void info(String format, Object... args) {
        if (admit()) {
            log.info(format, args);
        }
    }

    /** Logs at WARN if this window still has room. */
    public void warn(String format, Object... args) {
        if (admit()) {
            log.warn(format, args);
        }
    }

    private boolean admit() {
        long dropped = -1;
        boolean admitted;
        synchronized (this) {
            long now = System.nanoTime();
            if (now - windowStart >= windowNanos) {
                dropped = suppressed;
                windowStart = now;
                logged = 0;
                suppressed = 0;
            }
            admitted = logged < perWindow;
            if (admitted) {
                logged++;
            } else {
                suppressed++;
            }
        }
        if (dropped > 0) {
            log.info("{} more such lines were not logged in the previous {} s", dropped, windowNanos / 1_000_000_000L);
        }
        return admitted;
    }
}
