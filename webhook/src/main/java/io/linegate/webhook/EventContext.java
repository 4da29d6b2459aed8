package io.linegate.webhook;

import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.webhook.model.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything a handler knows about the event it handles: the typed event, its raw JSON, the
 * conversation it belongs to, the reply token and how old it is, the conversation's state and a
 * way to answer. Handlers run asynchronously, long after the webhook was acknowledged, so the
 * context carries what the request carried (guideline: "processed while maintaining the context").
 *
 * <h2>Sends are exactly once per event</h2>
 * Every reply, push, multicast, broadcast and narrowcast made through the context ({@link #reply},
 * {@link #push}, {@link #api()}) while handling an event counts as that handler run's next send. A
 * push, multicast, broadcast or narrowcast gets an {@code X-Line-Retry-Key} derived from the event's
 * {@code webhookEventId}, the send's position in the run, its kind and its recipient (unless the
 * caller passes a key of its own to {@code api()}); a reply that LINE accepted is recorded, durably,
 * with its position. So when the handler runs again for the same event (it threw and is retried, the
 * process was killed and the event is handled after the restart or on another node, LINE redelivered
 * it after the dedupe window, an operator replayed its dead letter), each send it makes again at the
 * same position is not sent twice: LINE answers the retry key with 409 (counted as sent, with the
 * accepted request id), and a recorded reply is skipped (the reply token is single use anyway). A
 * handler that is retried must therefore make its sends in the same order; a send at a position an
 * earlier run used for the same kind and recipient is taken to be that send, even if its messages
 * differ.
 *
 * <p>Not covered: a send from a thread the handler started and did not wait for, or from outside the
 * handler (those are not part of the run); a retry more than 24 hours after the first send (LINE
 * forgets retry keys after 24 hours, and linegate forgets replies once the event is done); a reply
 * accepted by LINE in the instant before a crash, before linegate recorded it (the retry's reply is
 * refused by LINE, never delivered twice; with {@code pushWhenReplyFails} the fallback push is keyed
 * too, so it too is sent at most once); and effects outside LINE (your database, an e-mail), which
 * need their own idempotency: {@link #state()} commits exactly once, with the done-mark. Whether a
 * failed run is retried at all is the {@link FailurePolicy}'s decision (a send LINE refuses with a 4xx
 * is dead-lettered at once); a replay of the dead letter keeps the event's keys and recorded replies.
 */
public interface EventContext {

    /** The event as the official SDK models it; an {@code UnknownEvent} for types it does not know. */
    Event event();

    /** The event's {@code webhookEventId} (or, for an event without one, a digest of it). */
    String eventId();

    /** When linegate received the webhook that carried the event. */
    Instant receivedAt();

    /** The event exactly as it was in the webhook body (one element of {@code events}). */
    String rawJson();

    /**
     * Sub-fields of a known event type left out of {@link #event()} because their shape is not the
     * one the SDK knows (LINE changed it), as dotted paths such as {@code message.emojis}; empty
     * normally. The event still reaches its typed route; {@link #rawJson()} has the fields as sent.
     */
    default List<String> degradedFields() {
        return List.of();
    }

    /** {@code user:U…}, {@code group:C…}, {@code room:R…}, or {@code event:<id>} for events without a source. */
    String sourceKey();

    /** The bot user id the webhook was addressed to. */
    String destination();

    Optional<String> replyToken();

    /** Time since linegate received the webhook; LINE honours reply tokens for about a minute. */
    Duration replyTokenAge();

    boolean isRedelivery();

    /** {@code mode: standby}: another channel is in control of the chat, so sending is disabled. */
    boolean isStandby();

    /** 1 for the first attempt, more when the handler is retried. */
    int attempt();

    /** Key/value state of this conversation, committed together with the event's done-mark. */
    ConversationState state();

    /**
     * Replies with the event's reply token; skipped if an earlier run of the handler for this event
     * had its reply at this position accepted (see the class comment).
     */
    void reply(List<Message> messages) throws Exception;

    /** Pushes to this conversation (the group, the room or the user), with the send's retry key. */
    void push(List<Message> messages) throws Exception;

    /**
     * The whole Messaging API as the official SDK's client offers it (profiles, group and room
     * members, rich menus, quota, multicast, broadcast, narrowcast, ...), through linegate's sending
     * stack: the managed channel access token, LINE's rate limits, the API request log, the request
     * limits checked before sending, and retries with the same key. Its sends are this run's sends
     * (see the class comment): pass {@code null} as the retry key to get the event's key for the
     * send. Sending calls complete before they return; failures are {@code LineApiException}s by
     * status. Sending is disabled in standby mode.
     */
    MessagingApiClient api();

    /** The content of users' images, videos, audio and files, and rich menu images, through the same stack. */
    MessagingApiBlobClient blob();

    /**
     * Issues a link token for the event's user (account linking, Messaging API docs, "Link user accounts"): valid 10 minutes,
     * single use. Send it to the user as a link to your site, which starts the link there.
     */
    String issueLinkToken() throws Exception;

    default void reply(Message... messages) throws Exception {
        reply(List.of(messages));
    }

    default void push(Message... messages) throws Exception {
        push(List.of(messages));
    }
}
