package io.linegate.messaging;

import com.linecorp.bot.client.base.ApiClientBuilder;
import com.linecorp.bot.client.base.Result;
import com.linecorp.bot.client.base.channel.ChannelTokenSupplier;
import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.client.MessagingApiClientException;
import com.linecorp.bot.messaging.model.BroadcastRequest;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.MulticastRequest;
import com.linecorp.bot.messaging.model.NarrowcastProgressResponse;
import com.linecorp.bot.messaging.model.NarrowcastRequest;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import io.linegate.core.Backoff;
import io.linegate.core.Defaults;
import io.linegate.core.Secret;
import io.linegate.messaging.token.TokenManager;
import io.linegate.store.ApiRequestLog;
import io.linegate.store.LinkStore;
import io.linegate.store.RateBucketStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reply and push over the official {@link MessagingApiClient}, following the guidelines' rules for
 * sending (Messaging API docs, "Retrying a failed API request"). Every send is a {@link Send} value
 * through one {@link SendPipeline} of interceptors (request limits, link-token records, the fallback
 * push, {@link RetryInterceptor retries} with a fresh token after a 401), ending in the SDK client:
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
 * Requests wait for LINE's per-endpoint rate limits on the client side ({@link EndpointRateLimits}); with
 * {@link Builder#requestLog} every attempt is recorded in the API request log. The token
 * comes from a {@link TokenManager}, or is a fixed token given to the builder.
 */
public final class MessageSender {
    private static final Logger log = LoggerFactory.getLogger(MessageSender.class);
    /** Requests in flight at once, by default: enough for the push limit at a 60 ms round trip. */
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 128;
    /** Attempts of a send with a retry key, by default. */
    public static final int DEFAULT_MAX_ATTEMPTS = Defaults.MAX_ATTEMPTS;

    private final SendPipeline pipeline;
    private final MessagingApiClient client;
    private final MessagingApiClient api;
    private final MessagingApiBlobClient blob;
    private final ChannelTokenSupplier channelTokens;
    private final EndpointRateLimits limits;
    private final ApiRequestLogger requestLog; // null without a log
    private final URI apiBase;
    private final URI dataApiBase;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxConcurrentRequests;

    private MessageSender(Builder b) {
        ChannelTokenSupplier supplier = b.supplied != null ? b.supplied : b.tokens == null ? b.accessToken::reveal : () -> {
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
        // The HTTP-level links cover every call to LINE, sends or not. Outermost first: the log records
        // what was sent, after the wait for the rate limit, with the attempt number the pipeline gave it.
        EndpointRateLimits limits = new EndpointRateLimits(b.rateLimitScale, b.sharedBuckets, b.channelId, b.share);
        var attempts = new AttemptsInFlight();
        ApiRequestLogger requestLog = b.requestLog == null ? null
                : new ApiRequestLogger(b.requestLog, b.bodies, Clock.systemUTC(), attempts::attemptOf);
        client.addInterceptor(limits);
        if (requestLog != null) {
            client.addInterceptor(requestLog);
        }
        this.client = client.build();
        this.channelTokens = supplier;
        this.limits = limits;
        this.requestLog = requestLog;
        this.apiBase = b.apiBase;
        this.dataApiBase = b.dataApiBase != null ? b.dataApiBase : dataApiBase(b.apiBase);
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.maxConcurrentRequests = b.maxConcurrentRequests;
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
        MessagingApiBlobClient rawBlob = blobClient.build();
        this.blob = new ForwardingMessagingApiBlobClient() {
            @Override
            protected MessagingApiBlobClient delegate() {
                return rawBlob;
            }

            @Override
            protected <T> CompletableFuture<Result<T>> forward(CompletableFuture<Result<T>> call) {
                return SdkTransport.typedFailures(call);
            }

            @Override
            public String toString() {
                return "MessagingApiBlobClient through linegate's sending stack";
            }
        };

        // The sending pipeline, outermost first.
        List<SendInterceptor> links = new ArrayList<>();
        links.add(MessageSender::checkRequestLimits);
        if (b.linkTokens != null) {
            links.add(new RecordLinkTokens(b.linkTokens, Clock.systemUTC()));
        }
        if (b.pushWhenReplyFails) {
            links.add(new ReplyFallbackInterceptor());
        }
        TokenManager tokens = b.tokens;
        links.add(new RetryInterceptor(b.maxAttempts, b.backoff, tokens == null ? RetryInterceptor.Authenticator.NONE
                : (send, refused) -> {
                    // The token may have been revoked elsewhere: the next attempt gets a freshly obtained one.
                    tokens.invalidate();
                    return true;
                }));
        this.pipeline = new SendPipeline(links, new SdkTransport(this.client, attempts));
        this.api = new PipelineMessagingApi(pipeline, this.client);
    }

    /**
     * LINE's limit on each endpoint used so far and every attempt's answer by class (2xx, 429, other
     * 4xx, 5xx, no answer), for a host's meters and the operator console.
     */
    public LineFigures lineFigures() {
        return limits.figures();
    }

    /** Request limits (Messaging API reference, "Send messages"): refused before anything is sent. */
    private static SendResult checkRequestLimits(SendInterceptor.Chain chain) throws LineApiException, IOException {
        Send send = chain.send();
        if (send.endpoint() != Send.Endpoint.LINK_TOKEN) {
            RequestLimits.check(send.body());
        }
        return chain.proceed(send);
    }

    /**
     * Sets up {@code builder}, the builder of an SDK client of any of LINE's APIs (the official {@code
     * InsightClient}'s, or linegate's generated clients'), to send the way this sender's own clients do:
     * its timeouts and connection limits, the wait for LINE's rate limits, the API request log, and the
     * SDK's wire logger off (it logs the bearer token). The caller sets the API's base and builds it; the
     * token for an authenticated builder is {@link #channelTokenSupplier()}.
     */
    public <B extends ApiClientBuilder<?>> B configure(B builder) {
        builder.usingDefaultLogger(false)
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .maxRequests(maxConcurrentRequests)
                .maxRequestsPerHost(maxConcurrentRequests);
        builder.setEventListener(new NoDelay());
        builder.addInterceptor(limits);
        if (requestLog != null) {
            builder.addInterceptor(requestLog);
        }
        return builder;
    }

    /** The channel access token this sender sends with, as the SDK's clients take it (managed: always the current one). */
    public ChannelTokenSupplier channelTokenSupplier() {
        return channelTokens;
    }

    /** The Messaging API's base ({@code https://api.line.me}, or the emulator's URL). */
    public URI apiBase() {
        return apiBase;
    }

    /** The content API's base ({@code https://api-data.line.me} beside LINE's, otherwise {@link #apiBase()}). */
    public URI dataApiBase() {
        return dataApiBase;
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

    /**
     * A sender whose token the application supplies: {@code tokens} is asked for it at every request (the
     * official SDK's {@link ChannelTokenSupplier}, as its clients take it). linegate neither issues, renews
     * nor caches it, and a {@code 401} is not retried with another: keeping it valid is the supplier's job.
     */
    public static Builder builder(URI apiBase, ChannelTokenSupplier tokens) {
        Builder b = new Builder(apiBase, null, null);
        b.supplied = Objects.requireNonNull(tokens, "token supplier");
        return b;
    }

    /**
     * The sending pipeline every send of this sender goes through; a caller that binds sends to
     * something (a handled event) puts its own links in front with {@link SendPipeline#with}.
     */
    public SendPipeline pipeline() {
        return pipeline;
    }

    /** Replies once; see the class comment for when a reply is retried. */
    public SendResult reply(String replyToken, List<Message> messages) throws LineApiException, IOException {
        return reply(new ReplyMessageRequest.Builder(replyToken, messages).build());
    }

    /** Replies once with {@code request} as given (notificationDisabled...); see the class comment. */
    public SendResult reply(ReplyMessageRequest request) throws LineApiException, IOException {
        return pipeline.send(Send.reply(request));
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
        Send reply = Send.reply(new ReplyMessageRequest.Builder(replyToken, messages).build());
        return pipeline.send(conversation == null ? reply : reply.withFallback(new Send.Fallback(conversation, fallbackRetryKey)));
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
        return pipeline.send(Send.push(retryKey, request));
    }

    /** Sends to up to 500 users in one request, with {@code retryKey} on every attempt. */
    public SendResult multicast(UUID retryKey, List<String> to, List<Message> messages) throws LineApiException, IOException {
        return multicast(retryKey, new MulticastRequest.Builder(messages, to).build());
    }

    /** Multicasts {@code request} as given, with {@code retryKey} on every attempt. */
    public SendResult multicast(UUID retryKey, MulticastRequest request) throws LineApiException, IOException {
        return pipeline.send(Send.multicast(retryKey, request));
    }

    /** Sends to every friend (60 requests per hour), with {@code retryKey} on every attempt. */
    public SendResult broadcast(UUID retryKey, List<Message> messages) throws LineApiException, IOException {
        return broadcast(retryKey, new BroadcastRequest.Builder(messages).build());
    }

    /** Broadcasts {@code request} as given, with {@code retryKey} on every attempt. */
    public SendResult broadcast(UUID retryKey, BroadcastRequest request) throws LineApiException, IOException {
        return pipeline.send(Send.broadcast(retryKey, request));
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
        return pipeline.send(Send.narrowcast(retryKey, request));
    }

    /** The progress of a narrowcast, by the {@code x-line-request-id} it was accepted with. */
    public NarrowcastProgressResponse narrowcastProgress(String requestId) throws LineApiException, IOException {
        try {
            return SdkTransport.await(client.getNarrowcastProgress(requestId)).body();
        } catch (MessagingApiClientException e) {
            throw SdkTransport.typed(e);
        }
    }

    /**
     * Issues a link token for {@code userId} (account linking, Messaging API docs, "Link user accounts"). Not retried once the
     * request may have reached LINE: a second token would be harmless, but the caller decides.
     */
    public String issueLinkToken(String userId) throws LineApiException, IOException {
        return pipeline.send(Send.linkToken(userId)).linkToken();
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
                Socket socket = connection.socket();
                if (!socket.getTcpNoDelay()) {
                    socket.setTcpNoDelay(true);
                }
            } catch (SocketException e) {
                log.debug("could not set TCP_NODELAY: {}", e.toString());
            }
        }
    }

    /** Defaults: 5 attempts, {@link Backoff#SENDS} (500 ms up to 30 s), 5 s connect and 10 s read timeouts. */
    public static final class Builder {
        private final URI apiBase;
        private URI dataApiBase;
        private final Secret accessToken;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Backoff backoff = Backoff.SENDS;
        private LinkStore linkTokens;
        private Duration connectTimeout = Defaults.CONNECT_TIMEOUT;
        private Duration readTimeout = Defaults.READ_TIMEOUT;
        private ApiRequestLog requestLog;
        private ApiRequestLogger.Bodies bodies = ApiRequestLogger.Bodies.OFF;
        private double rateLimitScale = 1.0;
        private boolean pushWhenReplyFails;
        private RateBucketStore sharedBuckets;
        private String channelId;
        private DoubleSupplier share;
        private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;

        private final TokenManager tokens;
        private ChannelTokenSupplier supplied;

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
            this.backoff = new Backoff(firstBackoff, maxBackoff);
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
        public Builder requestLog(ApiRequestLog log, String requestBodies) {
            this.requestLog = log;
            try {
                this.bodies = ApiRequestLogger.Bodies.valueOf(requestBodies.toUpperCase(Locale.ROOT));
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
        public Builder shareRateLimits(RateBucketStore store, String channelId) {
            this.sharedBuckets = store;
            this.channelId = channelId;
            return this;
        }

        /**
         * On a node of a cluster: keeps this process to {@code share} of each of LINE's limits (a
         * fraction from 0 to 1 that the cluster's heartbeats keep, {@code Cluster.share()}), in buckets
         * of its own, so that the nodes together stay under the limits without touching the store per
         * send. Takes precedence over {@link #shareRateLimits}.
         */
        public Builder rateLimitShare(DoubleSupplier share) {
            this.share = Objects.requireNonNull(share, "share");
            return this;
        }

        /**
         * Records which user each link token was issued for in {@code links} (account linking): the
         * member site starts a link only with a token the bot issued, for the user it was issued for.
         */
        public Builder recordLinkTokens(LinkStore links) {
            this.linkTokens = links;
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
