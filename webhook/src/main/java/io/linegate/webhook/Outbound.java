package io.linegate.webhook;

import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;

/**
 * How handlers send. The runtime wires the messaging module's sending pipeline in; the webhook
 * module does not depend on it and sees it through this interface and the official SDK's client
 * interfaces. Every send a handler makes, through {@link EventContext#reply}, {@link EventContext#push},
 * {@link EventContext#issueLinkToken} or {@link EventContext#api()}, goes through the client
 * {@link #api(HandlerRun)} binds to the run: the run's retry keys, its ledger of accepted replies
 * and the standby check are that client's.
 */
public interface Outbound {
    /** The official Messaging API client for the sends of one handler run. */
    MessagingApiClient api(HandlerRun run);

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
    Outbound NONE = run -> {
        throw new NotRetryableException(NO_SENDING);
    };
}
