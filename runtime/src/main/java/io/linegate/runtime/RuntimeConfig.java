package io.linegate.runtime;

import io.linegate.core.Defaults;
import io.linegate.webhook.FloodPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything {@link LinegateRuntime} needs to build linegate's runtime (the store, the token manager,
 * the sender, campaigns and the dispatcher), as one value. {@code linegate serve} and the operator
 * commands make one from their options, the config file and the environment; code makes one with
 * {@link #builder()}, whose defaults suit production.
 *
 * @param storeLocation      {@code sqlite:DIR} (or a bare directory) or {@code postgresql://...}
 * @param apiBase            the Messaging API, {@code https://api.line.me} or the emulator's URL
 * @param tokens             where the channel access token comes from
 * @param channelId          the channel's id; with it, rate-limit buckets are shared through the store
 * @param apiLog             the API request log's retention and what it keeps of request bodies
 * @param pushWhenReplyFails push when LINE refuses a reply token (costs message quota)
 * @param rateLimitScale     multiplies LINE's rate limits: 1 in production, less for a scaled emulator
 * @param dispatch           how events are handled
 * @param clock              the clock of every expiry and timestamp
 * @param timeouts           the sender's connect and read timeouts towards the Messaging API
 */
public record RuntimeConfig(String storeLocation, URI apiBase, TokenSettings tokens, String channelId, ApiLog apiLog,
                            boolean pushWhenReplyFails, double rateLimitScale, Dispatch dispatch, Clock clock,
                            Timeouts timeouts) {

    public static final URI LINE_API = URI.create("https://api.line.me");

    /**
     * The API request log (Messaging API docs on logging: the guidelines ask to keep the requests'
     * logs): how long attempts are kept, and whether request bodies are kept {@code off} (default),
     * {@code redacted} (ids and texts masked) or {@code full}.
     */
    public record ApiLog(Duration retention, String bodies) {
        public ApiLog {
            Objects.requireNonNull(retention, "API log retention");
            if (retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("the API log retention must be positive, was " + retention);
            }
            bodies = Objects.requireNonNull(bodies, "API log bodies").toLowerCase(Locale.ROOT);
            if (!bodies.equals("off") && !bodies.equals("redacted") && !bodies.equals("full")) {
                throw new IllegalArgumentException("API log bodies must be off, redacted or full, was " + bodies);
            }
        }

        public static ApiLog defaults() {
            return new ApiLog(Defaults.API_LOG_RETENTION, Defaults.API_LOG_BODIES);
        }
    }

    /**
     * How events are handled: handler threads (conversations handled at once), attempts before an
     * event is dead-lettered, how long event ids are remembered, the flood policy, and on a shared
     * store how long a node's partitions stay its own without a heartbeat.
     */
    public record Dispatch(int workers, int maxAttempts, Duration dedupeWindow, FloodPolicy flood, Duration leaseTime) {
        public Dispatch {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be at least 1, was " + workers);
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("max attempts must be at least 1, was " + maxAttempts);
            }
            Objects.requireNonNull(dedupeWindow, "dedupe window");
            Objects.requireNonNull(flood, "flood policy");
            Objects.requireNonNull(leaseTime, "lease time");
        }

        public static Dispatch defaults() {
            return new Dispatch(Defaults.WORKERS, Defaults.MAX_ATTEMPTS, Defaults.DEDUPE_WINDOW, FloodPolicy.defaults(),
                    Defaults.LEASE_TIME);
        }

        /** A heartbeat every second, or a third of a shorter lease time. */
        public Duration heartbeat() {
            Duration third = leaseTime.dividedBy(3);
            return third.compareTo(Defaults.HEARTBEAT) < 0 ? third : Defaults.HEARTBEAT;
        }
    }

    /** How long the sender waits to connect to the Messaging API and for each answer (5 s and 10 s by default). */
    public record Timeouts(Duration connect, Duration read) {
        public Timeouts {
            positive(connect, "connect timeout");
            positive(read, "read timeout");
        }

        public static Timeouts defaults() {
            return new Timeouts(Defaults.CONNECT_TIMEOUT, Defaults.READ_TIMEOUT);
        }

        private static void positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("the " + what + " must be positive, was " + d);
            }
        }
    }

    public RuntimeConfig {
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(storeLocation, "store location");
        Objects.requireNonNull(apiBase, "API base");
        Objects.requireNonNull(tokens, "token settings");
        Objects.requireNonNull(apiLog, "API log");
        Objects.requireNonNull(dispatch, "dispatch");
        Objects.requireNonNull(clock, "clock");
        if (!(rateLimitScale > 0)) {
            throw new IllegalArgumentException("the rate-limit scale must be positive, was " + rateLimitScale);
        }
    }

    /** Production defaults; the store in {@code ./data}, no sending until tokens are set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.storeLocation = storeLocation;
        b.apiBase = apiBase;
        b.tokens = tokens;
        b.channelId = channelId;
        b.apiLog = apiLog;
        b.pushWhenReplyFails = pushWhenReplyFails;
        b.rateLimitScale = rateLimitScale;
        b.dispatch = dispatch;
        b.clock = clock;
        b.timeouts = timeouts;
        return b;
    }

    public static final class Builder {
        private String storeLocation = "sqlite:data";
        private URI apiBase = LINE_API;
        private TokenSettings tokens = TokenSettings.none();
        private String channelId;
        private ApiLog apiLog = ApiLog.defaults();
        private boolean pushWhenReplyFails;
        private double rateLimitScale = 1;
        private Dispatch dispatch = Dispatch.defaults();
        private Clock clock = Clock.systemUTC();
        private Timeouts timeouts = Timeouts.defaults();

        private Builder() {}

        public Builder store(String location) { this.storeLocation = location; return this; }
        public Builder dataDir(Path dir) { this.storeLocation = "sqlite:" + dir; return this; }
        public Builder apiBase(URI apiBase) { this.apiBase = apiBase; return this; }
        public Builder tokens(TokenSettings tokens) { this.tokens = tokens; return this; }
        public Builder channelId(String channelId) { this.channelId = channelId; return this; }
        public Builder apiLog(ApiLog apiLog) { this.apiLog = apiLog; return this; }
        public Builder pushWhenReplyFails(boolean on) { this.pushWhenReplyFails = on; return this; }
        public Builder rateLimitScale(double scale) { this.rateLimitScale = scale; return this; }
        public Builder dispatch(Dispatch dispatch) { this.dispatch = dispatch; return this; }
        public Builder clock(Clock clock) { this.clock = clock; return this; }
        public Builder timeouts(Timeouts timeouts) { this.timeouts = timeouts; return this; }

        public RuntimeConfig build() {
            return new RuntimeConfig(storeLocation, apiBase, tokens, channelId, apiLog, pushWhenReplyFails, rateLimitScale,
                    dispatch, clock, timeouts);
        }
    }
}
