package io.linegate.spring;

import io.linegate.core.Backoff;
import io.linegate.core.Defaults;
import io.linegate.webhook.FloodPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code linegate.*}: what linegate adds to the official starter's {@code line.bot.*}: managed
 * tokens, the store, dispatching, flood control, the API request log, and more channels.
 */
@ConfigurationProperties(prefix = "linegate")
public class LinegateProperties {
    /**
     * Where webhooks, dedupe, conversation state, tokens and logs are kept: {@code sqlite:DIR} (one
     * node), {@code postgresql://host:port/db?user=...} (several nodes; the password from
     * LINEGATE_STORE_PASSWORD or the URL), or {@code datasource}: the application's own DataSource
     * bean, a PostgreSQL database. With several channels, each has a store of its own: by default
     * DIR/NAME for SQLite.
     */
    private String store = "sqlite:linegate-data";
    /**
     * How the channel access token is obtained: {@code fixed} (as given, never renewed), {@code
     * long-lived}, {@code short-lived} or {@code stateless} (issued and renewed with the channel id and
     * secret). Default: {@code long-lived} with {@code line.bot.channel-token}, otherwise no sending.
     */
    private String tokenType;
    /** The channel's id, for managed tokens and rate limits shared through the store. */
    private String channelId;
    /** Handler threads: conversations handled at once. */
    private int workers = Defaults.WORKERS;
    /** Attempts of a failing handler before its event is dead-lettered. */
    private int maxAttempts = Defaults.MAX_ATTEMPTS;
    /** The first retry's delay; it doubles up to {@code max-backoff} (linegate's handler defaults). */
    private Duration backoff = Backoff.HANDLERS.first();
    private Duration maxBackoff = Backoff.HANDLERS.max();
    /** How long a {@code webhookEventId} is remembered, so that a redelivered event is handled once. */
    private Duration dedupeWindow = Defaults.DEDUPE_WINDOW;
    /** On a shared store, how long a node's partitions stay its own without a heartbeat. */
    private Duration leaseTime = Defaults.LEASE_TIME;
    /** The longest a webhook's acknowledgement waits for the store before it is answered 503. */
    private Duration ackDeadline = Defaults.ACK_DEADLINE;
    /** How long a webhook's body may take to arrive before it is answered 408 (and its memory given back). */
    private Duration requestTimeout = Defaults.REQUEST_TIMEOUT;
    /** The largest webhook body accepted (413 above it). */
    private long maxBodySize = Defaults.MAX_BODY_BYTES;
    /** Webhook bodies held in memory at once, all requests together (503 above it). */
    private long maxBodiesInFlight = Defaults.MAX_BODY_MEMORY_BYTES;
    /**
     * How long the acknowledgement path may warm up on synthetic webhooks through the application's own
     * web server before the channels take webhooks (503 until then); 0 turns it off.
     */
    private Duration warmUp = Defaults.WARM_UP;
    /** How long a graceful stop waits for running handlers. */
    private Duration drain = Defaults.DRAIN;
    /** Push when LINE refuses a reply token (costs message quota). */
    private boolean pushWhenReplyFails;
    private final RequestCapture requestCapture = new RequestCapture();
    private final Flood flood = new Flood();
    private final ApiLog apiLog = new ApiLog();
    /** Channels besides (or instead of) {@code line.bot.*}, by name, each on its own path. */
    private final Map<String, Channel> channels = new LinkedHashMap<>();

    /**
     * What is kept of a webhook's request for its handler, which runs after the {@code 200}: while an
     * {@code @EventMapping} method runs, Spring's request attributes ({@code RequestContextHolder},
     * {@code ServletUriComponentsBuilder.fromCurrentContextPath()}, request-scoped beans) see a read-only
     * copy of the request, and the MDC holds the entries the application's filters had set.
     */
    public static class RequestCapture {
        /** Whether handlers see the webhook's request; off: no request attributes while they run. */
        private boolean enabled = true;
        /** Headers never kept (credentials and the signature); compared without case. */
        private List<String> excludedHeaders = new ArrayList<>(List.of(
                "authorization", "proxy-authorization", "cookie", "x-line-signature", "x-linegate-warm-up"));
        /** At most this many bytes of header names and values kept per request; headers past it are left out. */
        private int maxHeaderBytes = 4096;
        /** MDC entries, set by the application's filters as the webhook arrived, that its handler gets again. */
        private List<String> mdcKeys = new ArrayList<>(List.of("traceId", "spanId"));
        /**
         * Events whose request is kept in memory, all channels together; the oldest are forgotten first
         * (their handlers then run as after a restart, see {@code base-url}).
         */
        private int maxKept = 4096;
        /**
         * The application's external URL (such as {@code https://bot.example.com/app}), for events whose
         * request is not in this process's memory: received before a restart, or by another node. Not set:
         * such events run without request attributes.
         */
        private URI baseUrl;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public List<String> getExcludedHeaders() { return excludedHeaders; }
        public void setExcludedHeaders(List<String> h) { this.excludedHeaders = h; }
        public int getMaxHeaderBytes() { return maxHeaderBytes; }
        public void setMaxHeaderBytes(int n) { this.maxHeaderBytes = n; }
        public List<String> getMdcKeys() { return mdcKeys; }
        public void setMdcKeys(List<String> keys) { this.mdcKeys = keys; }
        public int getMaxKept() { return maxKept; }
        public void setMaxKept(int n) { this.maxKept = n; }
        public URI getBaseUrl() { return baseUrl; }
        public void setBaseUrl(URI baseUrl) { this.baseUrl = baseUrl; }
    }

    /** Flood control: events per source and minute before the action applies. */
    public static class Flood {
        private int limitPerMinute = FloodPolicy.defaults().limitPerMinute();
        /** {@code throttle}, {@code drop} or {@code route}. */
        private FloodPolicy.Action action = FloodPolicy.defaults().action();

        public int getLimitPerMinute() { return limitPerMinute; }
        public void setLimitPerMinute(int n) { this.limitPerMinute = n; }
        public FloodPolicy.Action getAction() { return action; }
        public void setAction(FloodPolicy.Action action) { this.action = action; }
    }

    /** The API request log the guidelines ask for. */
    public static class ApiLog {
        private Duration retention = Defaults.API_LOG_RETENTION;
        /** What is kept of request bodies: {@code off}, {@code redacted} or {@code full}. */
        private String bodies = Defaults.API_LOG_BODIES;

        public Duration getRetention() { return retention; }
        public void setRetention(Duration retention) { this.retention = retention; }
        public String getBodies() { return bodies; }
        public void setBodies(String bodies) { this.bodies = bodies; }
    }

    /** One more channel: its webhook path, secret and sending, and optionally its own store. */
    public static class Channel {
        private String path;
        private String channelSecret;
        private String channelToken;
        private String tokenType;
        private String channelId;
        private URI apiEndPoint;
        private String store;

        public String getPath() { return path; }
        public void setPath(String path) { this.path = path; }
        public String getChannelSecret() { return channelSecret; }
        public void setChannelSecret(String s) { this.channelSecret = s; }
        public String getChannelToken() { return channelToken; }
        public void setChannelToken(String s) { this.channelToken = s; }
        public String getTokenType() { return tokenType; }
        public void setTokenType(String s) { this.tokenType = s; }
        public String getChannelId() { return channelId; }
        public void setChannelId(String s) { this.channelId = s; }
        public URI getApiEndPoint() { return apiEndPoint; }
        public void setApiEndPoint(URI u) { this.apiEndPoint = u; }
        public String getStore() { return store; }
        public void setStore(String s) { this.store = s; }

        @Override
        public String toString() {
            return "Channel[path=" + path + ", channelId=" + channelId + "]";
        }
    }

    public String getStore() { return store; }
    public void setStore(String store) { this.store = store; }
    public String getTokenType() { return tokenType; }
    public void setTokenType(String tokenType) { this.tokenType = tokenType; }
    public String getChannelId() { return channelId; }
    public void setChannelId(String channelId) { this.channelId = channelId; }
    public int getWorkers() { return workers; }
    public void setWorkers(int workers) { this.workers = workers; }
    public int getMaxAttempts() { return maxAttempts; }
    public void setMaxAttempts(int maxAttempts) { this.maxAttempts = maxAttempts; }
    public Duration getBackoff() { return backoff; }
    public void setBackoff(Duration backoff) { this.backoff = backoff; }
    public Duration getMaxBackoff() { return maxBackoff; }
    public void setMaxBackoff(Duration maxBackoff) { this.maxBackoff = maxBackoff; }
    public Duration getDedupeWindow() { return dedupeWindow; }
    public void setDedupeWindow(Duration dedupeWindow) { this.dedupeWindow = dedupeWindow; }
    public Duration getLeaseTime() { return leaseTime; }
    public void setLeaseTime(Duration leaseTime) { this.leaseTime = leaseTime; }
    public Duration getAckDeadline() { return ackDeadline; }
    public void setAckDeadline(Duration ackDeadline) { this.ackDeadline = ackDeadline; }
    public Duration getRequestTimeout() { return requestTimeout; }
    public void setRequestTimeout(Duration requestTimeout) { this.requestTimeout = requestTimeout; }
    public long getMaxBodySize() { return maxBodySize; }
    public void setMaxBodySize(long maxBodySize) { this.maxBodySize = maxBodySize; }
    public long getMaxBodiesInFlight() { return maxBodiesInFlight; }
    public void setMaxBodiesInFlight(long n) { this.maxBodiesInFlight = n; }
    public Duration getWarmUp() { return warmUp; }
    public void setWarmUp(Duration warmUp) { this.warmUp = warmUp; }
    public Duration getDrain() { return drain; }
    public void setDrain(Duration drain) { this.drain = drain; }
    public boolean isPushWhenReplyFails() { return pushWhenReplyFails; }
    public void setPushWhenReplyFails(boolean on) { this.pushWhenReplyFails = on; }
    public Flood getFlood() { return flood; }
    public RequestCapture getRequestCapture() { return requestCapture; }
    public ApiLog getApiLog() { return apiLog; }
    public Map<String, Channel> getChannels() { return channels; }

    @Override
    public String toString() {
        return "LinegateProperties[channels=" + channels.keySet() + "]";
    }
}
