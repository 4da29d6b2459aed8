package io.linegate.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.UUID;

/**
 * One run of a handler for one event, as the sending stack sees it: what it needs to make the run's
 * sends exactly once ({@link EventContext} explains the rules). The runtime binds a client to it
 * ({@link Outbound#api}); the dispatcher makes one per run.
 */
public interface HandlerRun {
    /** The event's {@code webhookEventId}. */
    String eventId();

    /** The group, room or user the event came from (a push's and a fallback push's recipient); empty without a source. */
    Optional<String> conversation();

    /** Takes the position of the run's next send (0 for the first). */
    int nextSend();

    /**
     * The {@code X-Line-Retry-Key} of the send at {@code position}: the same for every run of the
     * handler for this event (a retry, a redelivery, a replay), so that LINE answers 409 instead of
     * sending again.
     */
    UUID retryKey(int position, String kind, String recipient);

    /** The reply an earlier run had LINE accept at {@code position}, if any: not to be sent again. */
    Optional<AcceptedReply> earlierReply(int position);

    /** Records a reply LINE accepted at {@code position}, durably, before the handler goes on. */
    void recordReply(int position, String requestId, JsonNode sentMessages);

    /**
     * Throws {@link SendingDisabledException} when the event is in standby mode (another channel has the chat), and
     * {@code Cluster.LeaseLostException} when this node no longer holds the event's partition. Checked before every
     * attempt of every send, so that nothing of a run whose partition moved reaches LINE.
     */
    void checkSendingAllowed();

    /** A reply LINE accepted: its request id and its {@code sentMessages} as JSON; either may be null. */
    record AcceptedReply(String requestId, JsonNode sentMessages) {}
}
