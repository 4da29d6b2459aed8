package io.linegate.webhook;

import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.webhook.model.Event;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything a handler knows about the event it handles: the typed event, its raw JSON, the
 * conversation it belongs to, the reply token and how old it is, the conversation's state and a
 * way to answer. Handlers run asynchronously, long after the webhook was acknowledged, so the
 * context carries what the request carried (guideline: "processed while maintaining the context").
 */
public interface EventContext {

    /** The event as the official SDK models it; an {@code UnknownEvent} for types it does not know. */
    Event event();

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

    /** Replies with the event's reply token. */
    void reply(List<Message> messages) throws Exception;

    /** Pushes to this conversation (the group, the room or the user). */
    void push(List<Message> messages) throws Exception;

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
