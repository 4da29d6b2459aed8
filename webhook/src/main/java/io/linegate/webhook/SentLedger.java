package io.linegate.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linegate.core.Json;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.LoggerFactory;

/**
 * The replies LINE accepted for one event, by their position among the handler's sends. A reply
 * token is single use, so a retried handler must not reply again where an earlier run's reply was
 * accepted (LINE would refuse it with a 400, and a fallback push would send it twice). Kept in
 * memory for the event's in-process retries and written to the store ({@code EventJournal.recordSent})
 * for retries after a crash or on another node, and for a replay of the dead letter. Thread-safe.
 */
final class SentLedger {
    private final Map<Integer, HandlerRun.AcceptedReply> replies = new TreeMap<>();

    /** The ledger as the store last recorded it ({@code null}: nothing sent yet). */
    static SentLedger parse(String stored) {
        SentLedger ledger = new SentLedger();
        if (stored == null || stored.isEmpty()) {
            return ledger;
        }
        try {
            JsonNode root = Json.mapper().readTree(stored);
            root.path("replies").properties().forEach(e -> ledger.replies.put(Integer.parseInt(e.getKey()),
                    new HandlerRun.AcceptedReply(e.getValue().path("requestId").asText(null),
                            e.getValue().hasNonNull("sentMessages") ? e.getValue().get("sentMessages") : null)));
        } catch (Exception e) {
            // Written by this class only; an unreadable ledger would only make a retry reply again (LINE refuses it).
            LoggerFactory.getLogger(SentLedger.class).warn("unreadable record of sent replies ignored: {}", e.toString());
        }
        return ledger;
    }

    /** The reply accepted at {@code position} by an earlier run, or null. */
    synchronized HandlerRun.AcceptedReply reply(int position) {
        return replies.get(position);
    }

    /** Records an accepted reply; returns the whole ledger to store. */
    synchronized String recordReply(int position, String requestId, JsonNode sentMessages) {
        replies.put(position, new HandlerRun.AcceptedReply(requestId, sentMessages));
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode r = root.putObject("replies");
        replies.forEach((p, reply) -> {
            ObjectNode o = r.putObject(String.valueOf(p));
            o.put("requestId", reply.requestId());
            if (reply.sentMessages() != null) {
                o.set("sentMessages", reply.sentMessages());
            }
        });
        return root.toString();
    }
}
