package io.linegate.webhook;

import java.util.Optional;

/**
 * Per-conversation key/value state. Reads see this handler's own writes; writes become durable
 * atomically with the event's done-mark, so an event that is retried after a crash does not apply
 * them twice.
 */
public interface ConversationState {
    Optional<String> get(String key);

    void put(String key, String value);

    void remove(String key);
}
