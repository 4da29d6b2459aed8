package io.linegate.test;

/** An event a test user caused: follow it to its outcome. */
public final class SentEvent {
    private final BotTester tester;
    private final String eventId;
    private final String messageId;

    SentEvent(BotTester tester, String eventId, String messageId) {
        this.tester = tester;
        this.eventId = eventId;
        this.messageId = messageId;
    }

    /** The event's {@code webhookEventId}. */
    public String eventId() {
        return eventId;
    }

    /** The id of the message the user sent (for message events), or null. */
    public String messageId() {
        return messageId;
    }

    /** What has become of the event so far (it may still be on its way). */
    public EventOutcome outcome() {
        return tester.outcome(eventId);
    }

    /** Waits until the event is done or dead-lettered; see {@link BotTester#awaitOutcome}. */
    public EventOutcome awaitOutcome() {
        return tester.awaitOutcome(eventId);
    }

    @Override
    public String toString() {
        return "event " + eventId;
    }
}
