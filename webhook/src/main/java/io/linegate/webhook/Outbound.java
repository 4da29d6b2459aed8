package io.linegate.webhook;

import com.linecorp.bot.messaging.model.Message;
import java.util.List;

/**
 * How handlers send. The server wires the messaging module in; tests can wire anything. Kept to the
 * two calls a conversation needs so that the webhook module does not depend on the sending stack.
 */
public interface Outbound {
    /**
     * Replies with {@code replyToken}; {@code conversation} is the user, group or room it came from,
     * for a sender whose policy falls back to a push when the reply token is no longer valid.
     */
    void reply(String replyToken, String conversation, List<Message> messages) throws Exception;

    void push(String to, List<Message> messages) throws Exception;

    /** Issues a link token for {@code userId}, the first step of account linking (Messaging API docs, "Link user accounts"). */
    default String issueLinkToken(String userId) throws Exception {
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
