package io.linegate.emulator.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The retry keys one channel has seen (Messaging API docs, "Retrying a failed API request"). A key is remembered for 24 hours after the
 * request that was accepted with it; a key whose request failed without being accepted is forgotten,
 * so that the retry is processed normally.
 */
public final class AcceptedRetryKeys {
    public static final Duration MEMORY = Duration.ofHours(24);

    /** The first accepted request with a key: its request id and, for push, its sentMessages. */
    public record Accepted(String requestId, JsonNode sentMessages, Instant at) {}

    /** Marks a key whose first request is still being processed. */
    private static final Accepted IN_FLIGHT = new Accepted(null, null, Instant.MAX);

    private final int maxEntries;
    // Insertion order = acceptance order, so expiry only ever looks at the head.
    private final LinkedHashMap<String, Accepted> keys = new LinkedHashMap<>();

    public AcceptedRetryKeys(int maxEntries) {
        this.maxEntries = Math.max(1, maxEntries);
    }

    /**
     * Claims {@code key} for a new request. Returns null when the request may proceed, otherwise the
     * earlier acceptance (answered with 409). A concurrent duplicate of a request still in flight also
     * gets a 409, without an accepted request id (UNCONFIRMED: the docs do not say; this is the
     * choice that never sends twice).
     */
    public synchronized Accepted claim(String key, Instant now) {
        expire(now);
        Accepted a = keys.get(key);
        if (a != null) {
            return a;
        }
        keys.put(key, IN_FLIGHT);
        return null;
    }

    public synchronized void accept(String key, String requestId, JsonNode sentMessages, Instant now) {
        keys.remove(key); // re-insert at the tail so that the map stays ordered by acceptance time
        keys.put(key, new Accepted(requestId, sentMessages, now));
        while (keys.size() > maxEntries) {
            Iterator<String> it = keys.keySet().iterator();
            it.next();
            it.remove();
        }
    }

    /** The request was not accepted (4xx, 5xx, fault): the key may be used again. */
    public synchronized void release(String key) {
        if (keys.get(key) == IN_FLIGHT) {
            keys.remove(key);
        }
    }

    public static boolean isInFlight(Accepted a) {
        return a == IN_FLIGHT;
    }

    public synchronized void clear() {
        keys.clear();
    }

    private void expire(Instant now) {
        Instant cutoff = now.minus(MEMORY);
        Iterator<Map.Entry<String, Accepted>> it = keys.entrySet().iterator();
        while (it.hasNext()) {
            Accepted a = it.next().getValue();
            if (a == IN_FLIGHT) {
                continue;
            }
            if (!a.at().isAfter(cutoff)) {
                it.remove();
            } else {
                break;
            }
        }
    }
}
