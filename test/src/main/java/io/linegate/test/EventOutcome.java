package io.linegate.test;

import java.util.List;

/**
 * What became of an event a test user sent.
 *
 * @param status   where it stands
 * @param outcome  the outcome the bot's chain gave it ({@code handled}, or a middleware's, such as
 *                 {@code not_allowed}); null until done, or when the runtime's own links (mute,
 *                 maintenance) finished it before the bot saw it
 * @param attempts how many times the bot's chain ran for it (0 if it never did)
 * @param failures what each failed attempt threw, oldest first ({@code Class: message})
 * @param deadLetterError the reason the dead letter records, when dead-lettered
 */
public record EventOutcome(Status status, String outcome, int attempts, List<String> failures, String deadLetterError) {

    public enum Status {
        /** Not yet through the bot's chain. */
        PENDING,
        /** Failed at least once and waiting for its next attempt. */
        RETRYING,
        /** Done: its done-mark (and its state changes) committed. */
        DONE,
        /** Given up on: in the dead letters. */
        DEAD_LETTERED;

        boolean finished() {
            return this == DONE || this == DEAD_LETTERED;
        }
    }

    public EventOutcome {
        failures = List.copyOf(failures);
    }

    /** Done on the first attempt. */
    public boolean doneFirstTime() {
        return status == Status.DONE && failures.isEmpty();
    }

    /** Done after failing at least once. */
    public boolean doneAfterRetries() {
        return status == Status.DONE && !failures.isEmpty();
    }
}
