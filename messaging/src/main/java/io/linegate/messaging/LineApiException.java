package io.linegate.messaging;

import io.linegate.core.Retryable;
import java.util.List;

/**
 * A Messaging API error, typed by HTTP status, never by message text (the guidelines: "error
 * messages ... aren't guaranteed and are subject to change"). Catch the subtype you can act on.
 *
 * <p>{@link #retryCanSucceed()} says whether sending the same request again can succeed: only for
 * 5xx, 429 and 408. The other 4xx cannot: the request itself is wrong (an expired or used reply
 * token, a recipient who blocked the account) or the channel's token was refused after the
 * {@link io.linegate.messaging.token.TokenManager} had already renewed it once. A dispatcher that
 * retries handlers dead-letters those at once instead of holding the conversation up.
 */
public abstract sealed class LineApiException extends Exception implements Retryable
        permits LineApiException.BadRequest, LineApiException.Unauthorized, LineApiException.Forbidden,
        LineApiException.NotFound, LineApiException.Conflict, LineApiException.Gone, LineApiException.PayloadTooLarge,
        LineApiException.UnsupportedMediaType, LineApiException.TooManyRequests, LineApiException.ServerError,
        LineApiException.Other {

    private final int status;
    private final String requestId;

    LineApiException(int status, String requestId, String lineMessage) {
        super("HTTP " + status + " (x-line-request-id " + requestId + "): " + lineMessage);
        this.status = status;
        this.requestId = requestId;
    }

    public int status() {
        return status;
    }

    /** True for 5xx, 429 and 408: the platform may accept the same request later. */
    @Override
    public boolean retryCanSucceed() {
        return status >= 500 || status == 429 || status == 408 || status < 400;
    }

    /** {@code x-line-request-id} of the failed request, for LINE support and the API request log. */
    public String requestId() {
        return requestId;
    }

    /** Builds the subtype for {@code status}. */
    public static LineApiException of(int status, String requestId, String lineMessage) {
        switch (status) {
            case 400: return new BadRequest(status, requestId, lineMessage);
            case 401: return new Unauthorized(status, requestId, lineMessage);
            case 403: return new Forbidden(status, requestId, lineMessage);
            case 404: return new NotFound(status, requestId, lineMessage);
            case 409: return new Conflict(status, requestId, lineMessage);
            case 410: return new Gone(status, requestId, lineMessage);
            case 413: return new PayloadTooLarge(status, requestId, lineMessage);
            case 415: return new UnsupportedMediaType(status, requestId, lineMessage);
            case 429: return new TooManyRequests(status, requestId, lineMessage);
            default:
                return status >= 500 ? new ServerError(status, requestId, lineMessage) : new Other(status, requestId, lineMessage);
        }
    }

    /** 400: the request is invalid (for reply, often an expired or used reply token). */
    public static final class BadRequest extends LineApiException {
        BadRequest(int s, String id, String m) { super(s, id, m); }
    }

    /**
     * 401: the channel access token is missing, invalid, expired or revoked. A sender with a managed
     * token has already retried once with a freshly obtained one before throwing this.
     */
    public static final class Unauthorized extends LineApiException {
        Unauthorized(int s, String id, String m) { super(s, id, m); }
    }

    /** 403: the account or plan has no access to this API. */
    public static final class Forbidden extends LineApiException {
        Forbidden(int s, String id, String m) { super(s, id, m); }
    }

    /** 404: no such user, or the user has not consented, is not a friend or has blocked the account. */
    public static final class NotFound extends LineApiException {
        NotFound(int s, String id, String m) { super(s, id, m); }
    }

    /**
     * 409 on an endpoint where it is an error. On a send with a retry key it means an earlier attempt
     * was accepted, and the pipeline turns it into a success ({@link SendResult#wasAlreadyAccepted()})
     * with the accepted request's id and sent messages, which this exception carries.
     */
    public static final class Conflict extends LineApiException {
        private final String acceptedRequestId;
        private final List<SendResult.SentMessage> sentMessages;

        Conflict(int s, String id, String m) {
            this(s, id, m, null, List.of());
        }

        Conflict(int s, String id, String m, String acceptedRequestId, List<SendResult.SentMessage> sentMessages) {
            super(s, id, m);
            this.acceptedRequestId = acceptedRequestId;
            this.sentMessages = List.copyOf(sentMessages);
        }

        /** {@code x-line-accepted-request-id}: the request that was accepted earlier with the same retry key. */
        public String acceptedRequestId() { return acceptedRequestId; }

        /** The messages the accepted request sent, as LINE reports them with the 409. */
        public List<SendResult.SentMessage> sentMessages() { return sentMessages; }
    }

    /** 410: the content was unsent or has expired. */
    public static final class Gone extends LineApiException {
        Gone(int s, String id, String m) { super(s, id, m); }
    }

    /** 413: the request is over 2 MB. */
    public static final class PayloadTooLarge extends LineApiException {
        PayloadTooLarge(int s, String id, String m) { super(s, id, m); }
    }

    /** 415: unsupported media type. */
    public static final class UnsupportedMediaType extends LineApiException {
        UnsupportedMediaType(int s, String id, String m) { super(s, id, m); }
    }

    /** 429: rate limit, concurrency limit or the monthly message limit. */
    public static final class TooManyRequests extends LineApiException {
        TooManyRequests(int s, String id, String m) { super(s, id, m); }
    }

    /** 5xx: the platform failed; a send with a retry key may be retried with the same key. */
    public static final class ServerError extends LineApiException {
        ServerError(int s, String id, String m) { super(s, id, m); }
    }

    /** Any other status. */
    public static final class Other extends LineApiException {
        Other(int s, String id, String m) { super(s, id, m); }
    }
}
