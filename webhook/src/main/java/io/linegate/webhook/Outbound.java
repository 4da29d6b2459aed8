package io.linegate.webhook;

import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.Message;
import java.util.List;
import java.util.UUID;

/**
 * How handlers send. The server wires the messaging module's sending stack in; tests can wire
 * anything. The webhook module does not depend on the sending stack: it sees it through this
 * interface and the official SDK's client interfaces.
 */
public interface Outbound {
    /**
     * Replies with {@code replyToken}; {@code conversation} is the user, group or room it came from,
     * for a sender whose policy falls back to a push when the reply token is no longer valid.
     */
    void reply(String replyToken, String conversation, List<Message> messages) throws Exception;

    /** Pushes with a fresh retry key. */
    void push(String to, List<Message> messages) throws Exception;

    /**
     * Replies; a fallback push, if the sender makes one, carries {@code fallbackRetryKey}, so that a
     * retried handler's fallback reaches the user once. A sender that never falls back may ignore it.
     */
    default void reply(String replyToken, String conversation, List<Message> messages, UUID fallbackRetryKey)
            throws Exception {
        reply(replyToken, conversation, messages);
    }

    /**
     * Pushes with {@code retryKey} on every attempt, a 409 counting as sent. A sender wired to LINE
     * must override this: the default drops the key, which only a test double may do.
     */
    default void push(UUID retryKey, String to, List<Message> messages) throws Exception {
        push(to, messages);
    }

    /** Issues a link token for {@code userId}, the first step of account linking (Messaging API docs, "Link user accounts"). */
    default String issueLinkToken(String userId) throws Exception {
        throw new NotRetryableException(NO_SENDING);
    }

    /** The official client's whole surface through the sending stack (see {@link EventContext#api()}). */
    default MessagingApiClient api() {
        throw new NotRetryableException(NO_SENDING);
    }

    /** The official blob client through the sending stack. */
    default MessagingApiBlobClient blob() {
        throw new NotRetryableException(NO_SENDING);
    }

    /** Why a bot without sending cannot send. */
    String NO_SENDING = "no sending is configured (set LINE_CHANNEL_ID for managed tokens, or LINE_CHANNEL_ACCESS_TOKEN)";

    /**
     * For bots that never send: every call fails clearly, and at once, since a retry cannot succeed
     * ({@link NotRetryableException}).
     */
    Outbound NONE = new Outbound() {
        @Override
        public void reply(String replyToken, String conversation, List<Message> messages) {
            throw new NotRetryableException(NO_SENDING);
        }

        @Override
        public void push(String to, List<Message> messages) {
            throw new NotRetryableException(NO_SENDING);
        }
    };
}
