package io.linegate.messaging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands the attempt number of a keyed send from the sending pipeline to the API request log, which
 * sees the HTTP request the SDK client makes on its own thread: the transport registers the attempt
 * under the send's retry key for as long as its request is in flight, and the log reads it there.
 * Nothing is counted twice; a request without a retry key is its send's first attempt.
 */
final class AttemptsInFlight {
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

    void begin(Send send) {
        if (send.retryKey() != null) {
            inFlight.put(send.retryKey().toString(), send.attempt());
        }
    }

    void end(Send send) {
        if (send.retryKey() != null) {
            inFlight.remove(send.retryKey().toString(), send.attempt());
        }
    }

    /** The attempt number of the send in flight with {@code retryKey}; 1 without a key or outside a send. */
    int attemptOf(String retryKey) {
        return retryKey == null ? 1 : inFlight.getOrDefault(retryKey, 1);
    }
}
