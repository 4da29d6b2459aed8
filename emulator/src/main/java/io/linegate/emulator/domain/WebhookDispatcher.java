package io.linegate.emulator.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.ResponseTimeoutException;
import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ClosedSessionException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.stream.ClosedStreamException;
import io.linegate.core.Json;
import io.linegate.core.WebhookSignature;
import io.linegate.emulator.EmulatorConfig;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends webhooks as the platform does (LINE Developers, Messaging API reference, "Webhooks"): {@code {"destination","events"}} signed with
 * the channel secret, {@code Content-Type: application/json; charset=utf-8}, events queued together
 * batched into one request, a 2-second limit for a 2xx, failures classified as in the error
 * statistics, and redelivery with {@code isRedelivery: true}, the same id and the same reply token.
 *
 * <p>Built for load tests (thousands of deliveries a second): each event is serialized once when it
 * is queued and a request body is the concatenation of its events' bytes; the HMAC and the parsed
 * webhook URL are kept per channel; the queue is bounded, and callers ask {@link #admit} before
 * creating events, so that a flood is refused where it starts instead of being dropped silently.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int MAX_IN_FLIGHT_PER_CHANNEL = 128;
    private static final byte[] EVENTS = "\",\"events\":[".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DESTINATION = "{\"destination\":\"".getBytes(StandardCharsets.UTF_8);

    /** The outcome of one request: what the test endpoint reports and what the log records. */
    public record Outcome(int statusCode, String reason, String detail, Instant at, long durationMs) {
        public boolean success() {
            return statusCode >= 200 && statusCode < 300;
        }
    }

    /**
     * An event to send: its JSON as sent (serialized once), its id for the log, its reply token, and
     * its entry in the chat's conversation (told each outcome), null when it has no chat.
     */
    public record Event(byte[] json, String eventId, String replyToken, Conversation.UserEvent entry) {}

    /** One queued event and the attempt it waits for. */
    private record Pending(byte[] json, String eventId, String replyToken, Conversation.UserEvent entry, int attempt) {}

    /** What the chat page shows for an event sent while the channel had no webhook URL or had it off. */
    static final DeliveryRecord NOT_SENT = new DeliveryRecord(Instant.EPOCH, null, 0, "NOT_SENT",
            "The channel has no webhook URL or its webhook is off", List.of(), false, 0, 0);

    /** A parsed webhook URL and the client for its origin; {@code invalid} when it cannot be called. */
    private record Target(String url, WebClient client, String path, boolean invalid) {}

    private final class Lane {
        final Channel channel;
        final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
        /** Events queued or waiting for a redelivery: what the bound counts. */
        final AtomicInteger queued = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicLong refused = new AtomicLong();
        final ThreadLocal<Mac> mac;
        volatile Target target;
        volatile boolean dropped; // forgotten by a reset: stop sending

        Lane(Channel channel) {
            this.channel = channel;
            SecretKeySpec key = new SecretKeySpec(channel.secret().bytes(), "HmacSHA256");
            // Mac is not thread-safe, and Mac.getInstance costs more than signing a small body.
            this.mac = ThreadLocal.withInitial(() -> {
                try {
                    Mac m = Mac.getInstance("HmacSHA256");
                    m.init(key);
                    return m;
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA256 is unavailable", e);
                }
            });
        }

        String sign(byte[] body) {
            return Base64.getEncoder().encodeToString(mac.get().doFinal(body));
        }
    }

    private final EmulatorConfig config;
    private final Clock clock;
    private final ClientFactory factory;
    private final String signatureHeader;
    private final String plainHttpScheme;
    private final Map<String, WebClient> clients = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public WebhookDispatcher(EmulatorConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.signatureHeader = config.webhookSignatureHeader == null ? WebhookSignature.HEADER : config.webhookSignatureHeader;
        if (!signatureHeader.equalsIgnoreCase(WebhookSignature.HEADER)) {
            throw new IllegalArgumentException("webhookSignatureHeader may change the case of x-line-signature only");
        }
        this.plainHttpScheme = config.plainHttpWebhookProtocol == null ? "h1c" : config.plainHttpWebhookProtocol;
        if (!List.of("h1c", "h2c", "http").contains(plainHttpScheme)) {
            throw new IllegalArgumentException("plainHttpWebhookProtocol must be h1c, h2c or http");
        }
        this.factory = ClientFactory.builder()
                .connectTimeout(Duration.ofMillis(config.webhookTimeoutMs))
                .idleTimeout(Duration.ofSeconds(30))
                // Armeria lower-cases header names; HTTP/1.1 bots may be sent the configured case (§1.1: it may change).
                .http1HeaderNaming(name -> WebhookSignature.HEADER.contentEquals(name) ? signatureHeader : name.toString())
                .tlsCustomizer(b -> {
                    // The platform calls webhooks with TLS 1.2 or 1.3 only (§1.1).
                    b.protocols("TLSv1.3", "TLSv1.2");
                    if (config.webhookTrustCertificate != null) {
                        b.trustManager(ReloadingTrust.of(Path.of(config.webhookTrustCertificate)));
                    }
                })
                .build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "emulator-webhook-redelivery");
            t.setDaemon(true);
            return t;
        });
    }

    private Lane lane(Channel channel) {
        Lane l = lanes.get(channel.channelId());
        return l != null ? l : lanes.computeIfAbsent(channel.channelId(), k -> new Lane(channel));
    }

    /**
     * Whether {@code n} more events fit in the channel's queue ({@code webhookQueueLimit}); if not they
     * are counted as refused. Asked before anything is changed, so a refusal leaves nothing half-done.
     * Concurrent callers may overshoot the bound by what they create at once: it bounds memory, not
     * an exact count.
     */
    public boolean admit(Channel channel, int n) {
        Lane lane = lane(channel);
        if (lane.queued.get() + n > config.webhookQueueLimit) {
            lane.refused.addAndGet(n);
            return false;
        }
        return true;
    }

    /** Events waiting for the channel's webhook (queued or awaiting a redelivery). */
    public int queued(Channel channel) {
        return lane(channel).queued.get();
    }

    /** Events refused since the last reset because the channel's queue was full. */
    public long refused(Channel channel) {
        return lane(channel).refused.get();
    }

    /** Queues events (already complete, reply tokens registered, admitted) for the channel's webhook. */
    public void enqueue(Channel channel, List<Event> events) {
        Lane lane = lane(channel);
        lane.queued.addAndGet(events.size());
        for (Event e : events) {
            lane.queue.add(new Pending(e.json(), e.eventId(), e.replyToken(), e.entry(), 0));
        }
        pump(lane);
    }

    private void pump(Lane lane) {
        int max = Math.max(1, config.maxEventsPerWebhook);
        while (!closed && !lane.dropped && !lane.queue.isEmpty()) {
            if (lane.inFlight.incrementAndGet() > MAX_IN_FLIGHT_PER_CHANNEL) {
                lane.inFlight.decrementAndGet();
                return; // a completion will pump again
            }
            List<Pending> batch = new ArrayList<>(Math.min(max, 16));
            Pending p;
            while (batch.size() < max && (p = lane.queue.poll()) != null) {
                batch.add(p);
            }
            lane.queued.addAndGet(-batch.size());
            if (batch.isEmpty()) {
                lane.inFlight.decrementAndGet();
                return;
            }
            CompletableFuture<Outcome> sent = send(lane, batch);
            if (sent.isDone()) {
                // No webhook to call (or a URL that can't be called): keep looping here rather than
                // recursing through the completion callback, which could overflow the stack.
                lane.inFlight.decrementAndGet();
                continue;
            }
            sent.whenComplete((o, t) -> {
                lane.inFlight.decrementAndGet();
                pump(lane);
            });
        }
    }

    private CompletableFuture<Outcome> send(Lane lane, List<Pending> batch) {
        Channel channel = lane.channel;
        String url = channel.settings().webhookUrl();
        int attempt = batch.get(0).attempt();
        Instant now = clock.instant();
        for (Pending p : batch) {
            if (p.replyToken() != null) {
                channel.replyTokens().delivered(p.replyToken(), now, attempt > 0);
            }
        }
        if (url == null || !channel.settings().webhookActive()) {
            for (Pending p : batch) {
                if (p.entry() != null) {
                    p.entry().delivered(NOT_SENT);
                }
            }
            return CompletableFuture.completedFuture(null);
        }
        Target target = lane.target;
        if (target == null || !target.url().equals(url)) {
            lane.target = target = target(url);
        }
        return post(lane, target, body(channel, batch)).thenApply(o -> {
            List<String> ids = new ArrayList<>(batch.size());
            batch.forEach(p -> ids.add(p.eventId()));
            DeliveryRecord record = new DeliveryRecord(o.at(), url, o.statusCode(), o.reason(), o.detail(),
                    ids, attempt > 0, o.durationMs(), attempt + 1);
            channel.deliveries().add(record);
            for (Pending p : batch) {
                if (p.entry() != null) {
                    p.entry().delivered(record);
                }
            }
            if (!o.success()) {
                if (channel.settings().errorStatistics()) {
                    channel.errorStats().record(o.reason(), o.detail(), o.at());
                }
                if (channel.certifiedProvider() && "REQUEST_TIMEOUT".equals(o.reason())) {
                    // Under a certified provider the admins are notified when no 2xx came within 2 s.
                    channel.adminNotices().add(o.at() + " request_timeout: the bot server did not answer " + url
                            + " with a 2xx within " + config.webhookTimeoutMs + " ms");
                }
                scheduleRedelivery(lane, batch);
            }
            return o;
        });
    }

    /** {@code {"destination":"U...","events":[e1,e2...]}} from the events' bytes, without a JSON tree. */
    private static byte[] body(Channel channel, List<Pending> batch) {
        byte[] bot = channel.botUserId().getBytes(StandardCharsets.UTF_8);
        int size = DESTINATION.length + bot.length + EVENTS.length + 2 + Math.max(0, batch.size() - 1);
        for (Pending p : batch) {
            size += p.json().length;
        }
        byte[] b = new byte[size];
        int at = put(b, 0, DESTINATION);
        at = put(b, at, bot);
        at = put(b, at, EVENTS);
        for (int i = 0; i < batch.size(); i++) {
            if (i > 0) {
                b[at++] = ',';
            }
            at = put(b, at, batch.get(i).json());
        }
        b[at++] = ']';
        b[at] = '}';
        return b;
    }

    private static int put(byte[] to, int at, byte[] from) {
        System.arraycopy(from, 0, to, at, from.length);
        return at + from.length;
    }

    private void scheduleRedelivery(Lane lane, List<Pending> batch) {
        if (!lane.channel.settings().redelivery() || closed || lane.dropped) {
            return;
        }
        int next = batch.get(0).attempt() + 1;
        if (next > config.redeliveryAttempts) {
            return;
        }
        List<Pending> again = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            again.add(new Pending(next == 1 ? redelivered(p.json()) : p.json(), p.eventId(), p.replyToken(), p.entry(), next));
        }
        lane.queued.addAndGet(again.size()); // held for the redelivery: counted by the bound
        scheduler.schedule(() -> {
            lane.queued.addAndGet(-again.size());
            if (lane.dropped || closed) {
                return;
            }
            lane.inFlight.incrementAndGet();
            send(lane, again).whenComplete((o, t) -> {
                lane.inFlight.decrementAndGet();
                pump(lane);
            });
        }, config.redeliveryIntervalMs, TimeUnit.MILLISECONDS);
    }

    /** The same event with {@code deliveryContext.isRedelivery: true} (failures only: a re-parse is fine). */
    private static byte[] redelivered(byte[] json) {
        try {
            ObjectNode e = (ObjectNode) Json.mapper().readTree(json);
            e.putObject("deliveryContext").put("isRedelivery", true);
            return Json.mapper().writeValueAsBytes(e);
        } catch (IOException e) {
            throw new IllegalStateException(e); // our own serialization
        }
    }

    /** The test endpoint's request: {@code {"destination","events":[]}}, signed, not counted in the statistics. */
    public CompletableFuture<Outcome> test(Channel channel, String url) {
        return post(lane(channel), target(url), body(channel, List.of()));
    }

    private Target target(String url) {
        URI uri;
        try {
            uri = URI.create(url);
            if (uri.getHost() == null || uri.getScheme() == null) {
                throw new IllegalArgumentException("no host");
            }
            // Plain http is only for loopback bots: HTTP/1.1 unless configured otherwise.
            String scheme = "http".equalsIgnoreCase(uri.getScheme()) ? plainHttpScheme : "https";
            String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            return new Target(url, clientFor(scheme + "://" + uri.getRawAuthority()), path, false);
        } catch (RuntimeException e) {
            return new Target(url, null, null, true);
        }
    }

    private CompletableFuture<Outcome> post(Lane lane, Target target, byte[] body) {
        Instant start = clock.instant();
        if (target.invalid()) {
            return CompletableFuture.completedFuture(new Outcome(0, "COULD_NOT_CONNECT", "Invalid URL syntax", start, 0));
        }
        long t0 = System.nanoTime();
        RequestHeaders headers = RequestHeaders.builder(HttpMethod.POST, target.path())
                .contentType(MediaType.JSON_UTF_8)
                .add(WebhookSignature.HEADER, lane.sign(body))
                .add(HttpHeaderNames.USER_AGENT, "LineBotWebhook/2.0")
                .build();
        CompletableFuture<AggregatedHttpResponse> res;
        try {
            res = target.client().execute(HttpRequest.of(headers, HttpData.wrap(body))).aggregate();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new Outcome(0, "COULD_NOT_CONNECT", "Invalid URL syntax", start, 0));
        }
        return res.handle((r, t) -> {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (t == null) {
                int code = r.status().code();
                boolean ok = r.status().isSuccess();
                return new Outcome(code, ok ? "OK" : "ERROR_STATUS_CODE", Integer.toString(code), start, ms);
            }
            return classify(t, start, ms);
        });
    }

    private WebClient clientFor(String base) {
        WebClient c = clients.get(base);
        if (c == null) {
            if (clients.size() > 256) { // bounded: webhook URLs change rarely
                clients.clear();
            }
            c = clients.computeIfAbsent(base, b -> WebClient.builder(b)
                    .factory(factory)
                    .responseTimeout(Duration.ofMillis(config.webhookTimeoutMs))
                    .maxResponseLength(1024 * 1024)
                    .build());
        }
        return c;
    }

    private static Outcome classify(Throwable t, Instant at, long ms) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof UnprocessedRequestException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof ResponseTimeoutException) {
            return new Outcome(0, "REQUEST_TIMEOUT", "Request timeout", at, ms);
        }
        if (c instanceof ConnectTimeoutException) {
            return new Outcome(0, "COULD_NOT_CONNECT", "Connection timeout", at, ms);
        }
        if (c instanceof UnknownHostException) {
            return new Outcome(0, "COULD_NOT_CONNECT", "Unknown host", at, ms);
        }
        if (c instanceof SSLException) {
            return new Outcome(0, "COULD_NOT_CONNECT", "TLS handshake failure", at, ms);
        }
        if (c instanceof ConnectException || t instanceof UnprocessedRequestException
                || (t.getCause() instanceof UnprocessedRequestException)) {
            return new Outcome(0, "COULD_NOT_CONNECT", "Connection failed", at, ms);
        }
        if (c instanceof ClosedSessionException) {
            return new Outcome(0, "UNCLASSIFIED", "Session closed unexpectedly", at, ms);
        }
        if (c instanceof ClosedStreamException) {
            return new Outcome(0, "UNCLASSIFIED", "Stream closed unexpectedly", at, ms);
        }
        log.debug("Unclassified webhook failure: {}", c.toString());
        return new Outcome(0, "UNCLASSIFIED", "Unclassified webhook dispatch error", at, ms);
    }

    /** Forgets queued events, pending redeliveries and the counters (control API reset). */
    public void clear() {
        lanes.values().removeIf(l -> {
            l.dropped = true;
            l.queue.clear();
            return true;
        });
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        factory.close();
    }
}
