package io.linegate.messaging;

import com.linecorp.bot.client.base.Result;
import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.client.MessagingApiClientException;
import com.linecorp.bot.messaging.model.BroadcastRequest;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.MulticastRequest;
import com.linecorp.bot.messaging.model.NarrowcastProgressResponse;
import com.linecorp.bot.messaging.model.NarrowcastRequest;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.PushMessageResponse;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import com.linecorp.bot.messaging.model.ReplyMessageResponse;
import com.linecorp.bot.client.base.channel.ChannelTokenSupplier;
import io.linegate.core.Secret;
import io.linegate.messaging.token.TokenManager;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reply and push over the official {@link MessagingApiClient}, following the guidelines' rules for
 * sending (Messaging API docs, "Retrying a failed API request"):
 * <ul>
 *   <li>requests that break LINE's limits are refused before sending ({@link RequestLimits});</li>
 *   <li>every push carries an {@code X-Line-Retry-Key} from its first attempt, and is retried with
 *       the same key and the same body on 5xx, 429, timeouts and connection failures, with
 *       exponential backoff and jitter; a 409 means an earlier attempt was accepted, so it is a
 *       success that reports the accepted request id and the sent messages;</li>
 *   <li>a reply has no retry key, so it is retried only when the connection was never made (the
 *       request cannot have reached LINE);</li>
 *   <li>other errors are thrown as {@link LineApiException} subtypes chosen by HTTP status;</li>
 *   <li>the SDK's wire logger is off (it logs the bearer token).</li>
 * </ul>
 * Requests wait for LINE's per-endpoint rate limits on the client side ({@link RateLimits}); with
 * {@link Builder#requestLog} every attempt is recorded in the API request log. The token
 * comes from a {@link TokenManager}, or is a fixed token given to the builder.
 */
public final class MessageSender {
    private static final Logger log = LoggerFactory.getLogger(MessageSender.class);
    /** Requests in flight at once, by default: enough for the push limit at a 60 ms round trip. */
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 128;

    private final MessagingApiClient client;
    private final MessagingApiClient api;
    private final MessagingApiBlobClient blob;
    private final int maxAttempts;
    private final Duration firstBackoff;
    private final Duration maxBackoff;

    private final TokenManager tokens; // null with a fixed token
    private final boolean pushWhenReplyFails;

    private MessageSender(Builder b) {
        this.tokens = b.tokens;
        this.pushWhenReplyFails = b.pushWhenReplyFails;
        ChannelTokenSupplier supplier = b.tokens == null ? b.accessToken::reveal : () -> {
            try {
                return b.tokens.current().reveal();
            } catch (IOException e) {
                throw new UncheckedIOException("no channel access token: " + e.getMessage(), e);
            }
        };
        var client = MessagingApiClient.builder(supplier)
                .apiEndPoint(b.apiBase)
                .usingDefaultLogger(false)
                .connectTimeout(b.connectTimeout)
                .readTimeout(b.readTimeout)
                // The SDK's OkHttp dispatcher allows 5 requests in flight per host by default: at a 30 ms
                // round trip that caps every send to api.line.me at about 166/s, far below the 2,000/s
                // push limit, and requests waiting for a rate-limit bucket hold those slots too.
                .maxRequests(b.maxConcurrentRequests)
                .maxRequestsPerHost(b.maxConcurrentRequests);
        client.setEventListener(new NoDelay());
        // Outermost first: the log records what was sent, after the wait for the rate limit.
        RateLimits limits = new RateLimits(b.rateLimitScale, b.sharedBuckets, b.channelId);
        ApiRequestLogger requestLog = b.requestLog == null ? null
                : new ApiRequestLogger(b.requestLog, b.bodies, java.time.Clock.systemUTC());
        client.addInterceptor(limits);
        if (requestLog != null) {
            client.addInterceptor(requestLog);
        }
        this.client = client.build();
        var blobClient = MessagingApiBlobClient.builder(supplier)
                .apiEndPoint(b.dataApiBase != null ? b.dataApiBase : dataApiBase(b.apiBase))
                .usingDefaultLogger(false)
                .connectTimeout(b.connectTimeout)
                .readTimeout(b.readTimeout)
                .maxRequests(b.maxConcurrentRequests)
                .maxRequestsPerHost(b.maxConcurrentRequests);
        blobClient.setEventListener(new NoDelay());
        blobClient.addInterceptor(limits);
        if (requestLog != null) {
            blobClient.addInterceptor(requestLog);
        }
        this.blob = ManagedApi.blob(blobClient.build());
        this.maxAttempts = b.maxAttempts;
        this.firstBackoff = b.firstBackoff;
        this.maxBackoff = b.maxBackoff;
        this.api = ManagedApi.client(this, this.client);
    }

    /**
     * The content API's base for {@code apiBase}: {@code https://api-data.line.me} beside LINE's
     * {@code https://api.line.me}; anything else (the emulator) serves both on one base.
     */
    static URI dataApiBase(URI apiBase) {
        return "api.line.me".equalsIgnoreCase(apiBase.getHost())
                ? URI.create(apiBase.getScheme() + "://api-data.line.me" + (apiBase.getPort() < 0 ? "" : ":" + apiBase.getPort()))
                : apiBase;
    }

    /** {@code apiBase} is {@code https://api.line.me} in production, or the emulator's URL. */
    public static MessageSender create(URI apiBase, Secret accessToken) {
        return builder(apiBase, accessToken).build();
    }

    public static Builder builder(URI apiBase, Secret accessToken) {
        return new Builder(apiBase, accessToken, null);
    }

    /** A sender whose token is kept valid by {@code tokens} (renewed before expiry, shared between processes). */
    public static Builder builder(URI apiBase, TokenManager tokens) {
        return new Builder(apiBase, null, tokens);
    }

    /** Replies once; see the class comment for when a reply is retried. */
    public SendResult reply(String replyToken, List<Message> messages) throws LineApiException, IOException {
        return reply(new ReplyMessageRequest.Builder(replyToken, messages).build());
    }

    /** Replies once with {@code request} as given (notificationDisabled...); see the class comment. */
    public SendResult reply(ReplyMessageRequest request) throws LineApiException, IOException {
        RequestLimits.check(request);
        for (int attempt = 1; ; attempt++) {
            try {
                Result<ReplyMessageResponse> r = await(client.replyMessage(request));
                return new SendResult(r.requestId(), null, sent(r.body() == null ? null : r.body().sentMessages()),
                        null, attempt);
            } catch (MessagingApiClientException e) {
                if (!freshTokenAfter401(e, attempt)) {
                    throw typed(e);
                }
                continue;
            } catch (ConnectException e) {
                if (attempt >= maxAttempts) {
                    throw e;
                }
                sleep(backoff(attempt));
            }
        }
    }

    /**
     * Replies, and with {@link Builder#pushWhenReplyFails} falls back to a push (with a retry key) to
     * {@code conversation} when LINE refuses the reply with a 400. Request limits are checked before
     * sending, so a 400 on a reply means the reply token was expired, used or invalid; a push costs
     * message quota where a reply does not, which is why the fallback is off by default.
     */
    public SendResult reply(String replyToken, String conversation, List<Message> messages)
            throws LineApiException, IOException {
        return reply(replyToken, conversation, messages, UUID.randomUUID());
    }

    /**
     * {@link #reply(String, String, List)} whose fallback push, if any, carries {@code fallbackRetryKey}:
     * a handler that is retried passes the same key again, so that the fallback reaches the user once.
     */
    public SendResult reply(String replyToken, String conversation, List<Message> messages, UUID fallbackRetryKey)
            throws LineApiException, IOException {
        try {
            return reply(replyToken, messages);
        } catch (LineApiException.BadRequest e) {
            if (!pushWhenReplyFails || conversation == null) {
                throw e;
            }
            log.info("reply refused (400, x-line-request-id {}); pushing instead as configured", e.requestId());
            return push(fallbackRetryKey, conversation, messages);
        }
    }

    /** Pushes with a fresh retry key. */
    public SendResult push(String to, List<Message> messages) throws LineApiException, IOException {
        return push(UUID.randomUUID(), to, messages);
    }

    /**
     * Pushes with {@code retryKey}: a durable job that persisted its key before the first attempt
     * passes it again after a crash, and LINE answers 409 instead of sending twice.
     */
    public SendResult push(UUID retryKey, String to, List<Message> messages) throws LineApiException, IOException {
        return push(retryKey, new PushMessageRequest.Builder(to, messages).build());
    }

    /** Pushes {@code request} as given (notificationDisabled, customAggregationUnits) with {@code retryKey}. */
    public SendResult push(UUID retryKey, PushMessageRequest request) throws LineApiException, IOException {
        return keyed("push", retryKey, request, () -> client.pushMessage(retryKey, request));
    }

    /** Sends to up to 500 users in one request, with {@code retryKey} on every attempt. */
    public SendResult multicast(UUID retryKey, List<String> to, List<Message> messages) throws LineApiException, IOException {
        return multicast(retryKey, new MulticastRequest.Builder(messages, to).build());
    }

    /** Multicasts {@code request} as given, with {@code retryKey} on every attempt. */
    public SendResult multicast(UUID retryKey, MulticastRequest request) throws LineApiException, IOException {
        return keyed("multicast", retryKey, request, () -> client.multicast(retryKey, request));
    }

    /** Sends to every friend (60 requests per hour), with {@code retryKey} on every attempt. */
    public SendResult broadcast(UUID retryKey, List<Message> messages) throws LineApiException, IOException {
        return broadcast(retryKey, new BroadcastRequest.Builder(messages).build());
    }

    /** Broadcasts {@code request} as given, with {@code retryKey} on every attempt. */
    public SendResult broadcast(UUID retryKey, BroadcastRequest request) throws LineApiException, IOException {
        return keyed("broadcast", retryKey, request, () -> client.broadcast(retryKey, request));
    }

    /**
     * The official client's whole surface through this sender: the same token, rate limits and API
     * request log for every call; push, multicast, broadcast and narrowcast with this sender's retry
     * discipline (a retry key on every attempt, a random one if the caller passes null; 409 is a
     * success) and reply as {@link #reply(ReplyMessageRequest)} does; request limits checked before
     * sending. The sending methods complete before they return; the others are asynchronous as in
     * the SDK. A future fails with a {@link LineApiException} chosen by status rather than the SDK's
     * exception, so that whoever retries can tell what may succeed.
     */
    public MessagingApiClient api() {
        return api;
    }

    /** The official blob client (content of users' messages, rich menu images) through this sender's stack. */
    public MessagingApiBlobClient blob() {
        return blob;
    }

    /**
     * Starts a narrowcast (answered 202; delivery is asynchronous): follow it with
     * {@link #narrowcastProgress} using the accepted request's id.
     */
    public SendResult narrowcast(UUID retryKey, NarrowcastRequest request) throws LineApiException, IOException {
        return keyed("narrowcast", retryKey, request, () -> client.narrowcast(retryKey, request));
    }

    /** The progress of a narrowcast, by the {@code x-line-request-id} it was accepted with. */
    public NarrowcastProgressResponse narrowcastProgress(String requestId) throws LineApiException, IOException {
        try {
            return await(client.getNarrowcastProgress(requestId)).body();
        } catch (MessagingApiClientException e) {
            throw typed(e);
        }
    }

    /**
     * Issues a link token for {@code userId} (account linking, Messaging API docs, "Link user accounts"). Not retried once the
     * request may have reached LINE: a second token would be harmless, but the caller decides.
     */
    public String issueLinkToken(String userId) throws LineApiException, IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return await(client.issueLinkToken(userId)).body().linkToken();
            } catch (MessagingApiClientException e) {
                if (!freshTokenAfter401(e, attempt)) {
                    throw typed(e);
                }
            }
        }
    }

    /**
     * Turns Nagle's algorithm off on every connection the client uses. OkHttp leaves it on, so a request
     * body that ends in a partly filled segment (a multicast to 500 users is about 17 KB) waits for the
     * server's delayed ACK before its last bytes go out: about 40 ms per request on Linux, which made a
     * campaign (one multicast at a time) take 45 ms per batch on loopback instead of 7 ms.
     */
    static final class NoDelay extends okhttp3.EventListener {
        @Override
        public void connectionAcquired(okhttp3.Call call, okhttp3.Connection connection) {
            try {
                java.net.Socket socket = connection.socket();
                if (!socket.getTcpNoDelay()) {
                    socket.setTcpNoDelay(true);
                }
            } catch (java.net.SocketException e) {
                log.debug("could not set TCP_NODELAY: {}", e.toString());
            }
        }
    }

    /** An attempt of a keyed send. */
    private interface Attempt {
        CompletableFuture<? extends Result<?>> send();
    }

    /**
     * The retry discipline of every send that takes a retry key: the same key and the same body on
     * every attempt; retried on 5xx, 429 and failures without a response; 409 is a success.
     */
    private SendResult keyed(String what, UUID retryKey, Object request, Attempt send)
            throws LineApiException, IOException {
        RequestLimits.check(request);
        for (int attempt = 1; ; attempt++) {
            try {
                Result<?> r = await(send.send());
                List<SendResult.SentMessage> sent = r.body() instanceof PushMessageResponse p ? sent(p.sentMessages()) : List.of();
                return new SendResult(r.requestId(), null, sent, retryKey, attempt);
            } catch (MessagingApiClientException e) {
                if (e.getCode() == 409) {
                    return new SendResult(e.getRequestId(), e.getHeader("x-line-accepted-request-id"),
                            sent(e.getSentMessages()), retryKey, attempt);
                }
                if (freshTokenAfter401(e, attempt)) {
                    continue;
                }
                boolean retryable = e.getCode() >= 500 || e.getCode() == 429;
                if (!retryable || attempt >= maxAttempts) {
                    throw typed(e);
                }
                log.warn("{} attempt {} answered {} (x-line-request-id {}); retrying with the same key",
                        what, attempt, e.getCode(), e.getRequestId());
            } catch (IOException e) {
                // A timeout or a broken connection: LINE may or may not have accepted it; the key makes a retry safe.
                if (attempt >= maxAttempts) {
                    throw e;
                }
                log.warn("{} attempt {} failed without a response ({}); retrying with the same key", what, attempt,
                        e.getClass().getSimpleName());
            }
            sleep(backoff(attempt));
        }
    }

    /**
     * A 401 means the request was not accepted; if the token came from a {@link TokenManager} it may
     * have been revoked elsewhere, so the first 401 is retried at once with a freshly obtained token.
     */
    private boolean freshTokenAfter401(MessagingApiClientException e, int attempt) {
        if (e.getCode() != 401 || tokens == null || attempt > 1) {
            return false;
        }
        log.warn("the channel access token was refused (401); retrying once with a fresh one");
        tokens.invalidate();
        return true;
    }

    static List<SendResult.SentMessage> sent(List<com.linecorp.bot.messaging.model.SentMessage> in) {
        return in == null ? List.of()
                : in.stream().map(m -> new SendResult.SentMessage(m.id(), m.quoteToken())).toList();
    }

    static LineApiException typed(MessagingApiClientException e) {
        String message = e.getError();
        if (e.getDetails() != null && !e.getDetails().isEmpty()) {
            message += " " + e.getDetails().stream().map(d -> d.property() + ": " + d.message()).toList();
        }
        return LineApiException.of(e.getCode(), e.getRequestId(), message);
    }

    /** Exponential backoff with jitter over the upper half, capped. */
    private long backoff(int attempt) {
        long base = Math.min(maxBackoff.toMillis(), firstBackoff.toMillis() << Math.min(attempt - 1, 20));
        return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while backing off");
        }
    }

    private static <R extends Result<?>> R await(CompletableFuture<R> call) throws IOException {
        try {
            return call.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while sending");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause; // MessagingApiClientException is an IOException too
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IOException(cause);
        }
    }

    /** Defaults: 5 attempts, backoff from 500 ms up to 30 s, 5 s connect and 10 s read timeouts. */
    public static final class Builder {
        private final URI apiBase;
        private URI dataApiBase;
        private final Secret accessToken;
        private int maxAttempts = 5;
        private Duration firstBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(10);
        private io.linegate.store.ApiRequestLog requestLog;
        private ApiRequestLogger.Bodies bodies = ApiRequestLogger.Bodies.OFF;
        private double rateLimitScale = 1.0;
        private boolean pushWhenReplyFails;
        private io.linegate.store.RateBucketStore sharedBuckets;
        private String channelId;
        private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;

        private final TokenManager tokens;

        private Builder(URI apiBase, Secret accessToken, TokenManager tokens) {
            this.apiBase = apiBase;
            this.accessToken = accessToken;
            this.tokens = tokens;
        }

        public Builder retries(int maxAttempts, Duration firstBackoff, Duration maxBackoff) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            this.firstBackoff = firstBackoff;
            this.maxBackoff = maxBackoff;
            return this;
        }

        public Builder timeouts(Duration connect, Duration read) {
            this.connectTimeout = connect;
            this.readTimeout = read;
            return this;
        }

        /**
         * Records every attempt in {@code log}; {@code requestBodies} says whether request bodies are
         * kept: {@code "off"} (default), {@code "redacted"} (user, group and room ids and texts masked)
         * or {@code "full"}.
         */
        public Builder requestLog(io.linegate.store.ApiRequestLog log, String requestBodies) {
            this.requestLog = log;
            try {
                this.bodies = ApiRequestLogger.Bodies.valueOf(requestBodies.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("request bodies must be off, redacted or full, was " + requestBodies);
            }
            return this;
        }

        /**
         * Shares the rate-limit buckets of {@code channelId} with every process using {@code store},
         * so that together they stay under LINE's limits (each process alone would otherwise get the
         * whole limit).
         */
        public Builder shareRateLimits(io.linegate.store.RateBucketStore store, String channelId) {
            this.sharedBuckets = store;
            this.channelId = channelId;
            return this;
        }

        /** Falls back to a push when a reply is refused with a 400 (off by default: a push costs quota). */
        public Builder pushWhenReplyFails(boolean on) {
            this.pushWhenReplyFails = on;
            return this;
        }

        /**
         * How many requests may be in flight to the API at once (default
         * {@value MessageSender#DEFAULT_MAX_CONCURRENT_REQUESTS}); requests beyond it wait in line. The rate
         * limits, not this, keep the sender under LINE's limits: it only needs to cover the round trip
         * (2,000 pushes/s at 30 ms need 60).
         */
        public Builder maxConcurrentRequests(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxConcurrentRequests must be at least 1, was " + n);
            }
            this.maxConcurrentRequests = n;
            return this;
        }

        /** The content API ({@code api-data.line.me}); by default derived from the API base. */
        public Builder dataApiBase(URI base) {
            this.dataApiBase = base;
            return this;
        }

        /** Multiplies LINE's rate limits; 1 in production, lower only to match a scaled-down emulator. */
        public Builder rateLimitScale(double scale) {
            this.rateLimitScale = scale;
            return this;
        }

        public MessageSender build() {
            return new MessageSender(this);
        }
    }
}
