package io.linegate.webhook;

/**
 * What to do when one source sends more than {@code limitPerMinute} events in a minute (guideline:
 * "About processing unexpected chat transmissions").
 *
 * @param limitPerMinute events per source per sliding minute before the action applies
 * @param action         {@code THROTTLE}: the source's events wait on disk and are handled at the
 *                       limit's pace; {@code DROP}: events over the limit are recorded and skipped;
 *                       {@code ROUTE}: they go to the bot's flood handler instead
 */
public record FloodPolicy(int limitPerMinute, Action action) {
    public enum Action { THROTTLE, DROP, ROUTE }

    public FloodPolicy {
        if (limitPerMinute < 1) {
            throw new IllegalArgumentException("flood limitPerMinute must be at least 1, was " + limitPerMinute);
        }
        if (action == null) {
            throw new IllegalArgumentException("flood action is required");
        }
    }

    public static FloodPolicy defaults() {
        return new FloodPolicy(120, Action.THROTTLE);
    }
}
