package io.linegate.messaging;

import java.util.List;
import java.util.UUID;

/**
 * The outcome of an accepted send.
 *
 * @param requestId         {@code x-line-request-id} of the last attempt
 * @param acceptedRequestId when a retry found the request already accepted (409), the request id of
 *                          the attempt that was accepted; null otherwise
 * @param sentMessages      ids and quote tokens of the sent messages (push and reply only)
 * @param retryKey          the {@code X-Line-Retry-Key} used by every attempt; null for reply
 * @param attempts          how many attempts it took
 * @param linkToken         the issued link token ({@link Send.Endpoint#LINK_TOKEN} only), else null
 */
public record SendResult(String requestId, String acceptedRequestId, List<SentMessage> sentMessages,
                         UUID retryKey, int attempts, String linkToken) {

    public SendResult(String requestId, String acceptedRequestId, List<SentMessage> sentMessages, UUID retryKey,
                      int attempts) {
        this(requestId, acceptedRequestId, sentMessages, retryKey, attempts, null);
    }

    /** A sent message: its id and the quote token to quote it later. */
    public record SentMessage(String id, String quoteToken) {}

    /** True when an earlier attempt had been accepted and this one was answered 409. */
    public boolean wasAlreadyAccepted() {
        return acceptedRequestId != null;
    }
}
