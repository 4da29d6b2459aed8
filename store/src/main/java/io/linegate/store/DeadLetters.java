package io.linegate.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Events that could not be handled (or bodies that could not be parsed), kept for an operator to replay. */
public interface DeadLetters {

    /** The newest dead letters first. */
    List<DeadLetter> list(int limit);

    /** How many dead letters wait for an operator: not replayed yet. */
    long waiting();

    /**
     * Puts a dead letter back as a new pending event, durably and at most once; empty if there is no
     * such letter or it was already replayed.
     */
    CompletableFuture<Optional<Long>> replay(long deadLetterId);

    record DeadLetter(long id, String eventId, String lane, String payload, int attempts, String error,
                      Instant failedAt, Instant replayedAt) {}
}
