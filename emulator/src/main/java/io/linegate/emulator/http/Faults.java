package io.linegate.emulator.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults injected per endpoint through the control API, to test a client's retry logic: added
 * latency, a rate of 500s (not processed), a rate of "accepted but the response is lost" (processed,
 * retry key recorded, then the connection is dropped without an answer) and connection resets (not
 * processed). {@code count} bounds how many requests are affected; negative means unlimited.
 */
public final class Faults {
    public enum Kind { NONE, ERROR, LOST, RESET }

    public record Spec(String endpoint, long latencyMs, double errorRate, double acceptedButLostRate,
            double resetRate, int count) {}

    /** What to do with one request. */
    public record Decision(long latencyMs, Kind kind) {
        static final Decision NONE = new Decision(0, Kind.NONE);
    }

    private static final class Active {
        final Spec spec;
        final AtomicInteger remaining;

        Active(Spec spec) {
            this.spec = spec;
            this.remaining = new AtomicInteger(spec.count());
        }
    }

    private final Map<String, Active> byEndpoint = new ConcurrentHashMap<>();

    public void add(Spec spec) {
        byEndpoint.put(spec.endpoint(), new Active(spec));
    }

    public void clear() {
        byEndpoint.clear();
    }

    public boolean isEmpty() {
        return byEndpoint.isEmpty();
    }

    /** Draws the fault for a request to {@code template} (or its concrete {@code path}). */
    public Decision draw(String template, String path) {
        if (byEndpoint.isEmpty()) {
            return Decision.NONE;
        }
        Active a = byEndpoint.get(path);
        if (a == null) {
            a = byEndpoint.get(template);
        }
        if (a == null) {
            return Decision.NONE;
        }
        if (a.spec.count() >= 0 && a.remaining.getAndDecrement() <= 0) {
            byEndpoint.remove(a.spec.endpoint(), a);
            return Decision.NONE;
        }
        double r = ThreadLocalRandom.current().nextDouble();
        Kind k = Kind.NONE;
        Spec s = a.spec;
        if (r < s.errorRate()) {
            k = Kind.ERROR;
        } else if (r < s.errorRate() + s.acceptedButLostRate()) {
            k = Kind.LOST;
        } else if (r < s.errorRate() + s.acceptedButLostRate() + s.resetRate()) {
            k = Kind.RESET;
        }
        return new Decision(Math.max(0, s.latencyMs()), k);
    }
}
