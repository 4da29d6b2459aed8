package io.linegate.store;

import java.util.Map;

/**
 * Per-conversation key/value state. Changes are written only with an event's done-mark
 * ({@link EventJournal#complete}), so a handler's state changes take effect exactly once.
 */
public interface ConversationStates {

    /** The state of one conversation (lane): all its keys, as last committed. */
    Map<String, String> state(String lane);
}
