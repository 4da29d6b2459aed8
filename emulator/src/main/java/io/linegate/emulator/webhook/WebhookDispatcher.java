package io.linegate.emulator.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.ResponseTimeoutException;
import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ClosedSessionException;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.stream.ClosedStreamException;
import io.linegate.core.Json;
import io.linegate.core.WebhookSignature;
import io.linegate.emulator.EmulatorConfig;
import io.linegate.emulator.state.Channel;
import io.linegate.emulator.state.DeliveryRecord;
import io.netty.channel.ConnectTimeoutException;
import java.io.File;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends webhooks as the platform does (api-facts §1): {@code {"destination","events"}} signed with
 * the channel secret, {@code Content-Type: application/json; charset=utf-8}, events queued together
 * batched into one request, a 2-second limit for a 2xx, failures classified as in the error
 * statistics, and redelivery with {@code isRedelivery: true}, the same id and the same reply token.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int MAX_IN_FLIGHT_PER_CHANNEL = 128;
    private static final int MAX_QUEUED_PER_CHANNEL = 100_000;

    /** The outcome of one request: what the test endpoint reports and what the log records. */
    public record Outcome(int statusCode, String reason, String detail, Instant at, long durationMs) {
        public boolean success() {
            return statusCode >= 200 && statusCode < 300;
        }
    }

    private record Pending(ObjectNode event, String replyToken, int attempt) {}

    private final class Lane {
        final Channel channel;
        final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
        final AtomicInteger queued = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();

        Lane(Channel channel) {
            this.channel = channel;
        }
    }

    private final EmulatorConfig config;
    private final Clock clock;
    private final ClientFactory factory;
    private final Map<String, WebClient> clients = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public WebhookDispatcher(EmulatorConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.factory = ClientFactory.builder()
                .connectTimeout(Duration.ofMillis(config.webhookTimeoutMs))
                .idleTimeout(Duration.ofSeconds(30))
                .tlsCustomizer(b -> {
                    // The platform calls webhooks with TLS 1.2 or 1.3 only (§1.1).
                    b.protocols("TLSv1.3", "TLSv1.2");
                    if (config.webhookTrustCertificate != null) {
                        b.trustManager(new File(config.webhookTrustCertificate));
                    }
                })
                .build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "emulator-webhook-redelivery");
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues events (already complete, reply tokens registered) for the channel's webhook. */
    public void enqueue(Channel channel, List<ObjectNode> events, List<String> replyTokens) {
        Lane lane = lanes.computeIfAbsent(channel.channelId(), k -> new Lane(channel));
        for (int i = 0; i < events.size(); i++) {
            if (lane.queued.incrementAndGet() > MAX_QUEUED_PER_CHANNEL) {
                lane.queued.decrementAndGet(); // bounded memory: a flooded lane drops, like a suspended webhook
                continue;
            }
            lane.queue.add(new Pending(events.get(i), replyTokens.get(i), 0));
        }
        pump(lane);
    }

    private void pump(Lane lane) {
        while (!closed && !lane.queue.isEmpty()) {
            if (lane.inFlight.incrementAndGet() > MAX_IN_FLIGHT_PER_CHANNEL) {
                lane.inFlight.decrementAndGet();
                return; // a completion will pump again
            }
            List<Pending> batch = new ArrayList<>();
            Pending p;
            while (batch.size() < Math.max(1, config.maxEventsPerWebhook) && (p = lane.queue.poll()) != null) {
                lane.queued.decrementAndGet();
                batch.add(p);
            }
            if (batch.isEmpty()) {
                lane.inFlight.decrementAndGet();
                return;
            }
            CompletableFuture<Outcome> sent = send(lane.channel, batch);
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

    private CompletableFuture<Outcome> send(Channel channel, List<Pending> batch) {
        String url = channel.settings().webhookUrl();
        boolean redelivery = batch.get(0).attempt() > 0;
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("destination", channel.botUserId());
        ArrayNode events = body.putArray("events");
        List<String> ids = new ArrayList<>(batch.size());
        Instant now = clock.instant();
        for (Pending p : batch) {
            events.add(p.event());
            ids.add(p.event().path("webhookEventId").asText());
            if (p.replyToken() != null) {
                channel.replyTokens().delivered(p.replyToken(), now, redelivery);
            }
        }
        if (url == null || !channel.settings().webhookActive()) {
            return CompletableFuture.completedFuture(null);
        }
        return post(channel, url, serialize(body)).thenApply(o -> {
            channel.deliveries().add(new DeliveryRecord(o.at(), url, o.statusCode(), o.reason(), o.detail(),
                    ids, redelivery, o.durationMs(), batch.get(0).attempt() + 1));
            if (!o.success()) {
                if (channel.settings().errorStatistics()) {
                    channel.errorStats().record(o.reason(), o.detail(), o.at());
                }
                if (channel.certifiedProvider() && "REQUEST_TIMEOUT".equals(o.reason())) {
                    // Under a certified provider the admins are notified when no 2xx came within 2 s.
                    channel.adminNotices().add(o.at() + " request_timeout: the bot server did not answer " + url
                            + " with a 2xx within " + config.webhookTimeoutMs + " ms");
                }
                scheduleRedelivery(channel, batch);
            }
            return o;
        });
    }

    private void scheduleRedelivery(Channel channel, List<Pending> batch) {
        if (!channel.settings().redelivery() || closed) {
            return;
        }
        int next = batch.get(0).attempt() + 1;
        if (next > config.redeliveryAttempts) {
            return;
        }
        List<Pending> again = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            ObjectNode copy = p.event().deepCopy();
            copy.putObject("deliveryContext").put("isRedelivery", true);
            again.add(new Pending(copy, p.replyToken(), next));
        }
        scheduler.schedule(() -> {
            Lane lane = lanes.computeIfAbsent(channel.channelId(), k -> new Lane(channel));
            lane.inFlight.incrementAndGet();
            send(channel, again).whenComplete((o, t) -> {
                lane.inFlight.decrementAndGet();
                pump(lane);
            });
        }, config.redeliveryIntervalMs, TimeUnit.MILLISECONDS);
    }

    /** The test endpoint's request: {@code {"destination","events":[]}}, signed, not counted in the statistics. */
    public CompletableFuture<Outcome> test(Channel channel, String url) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("destination", channel.botUserId());
        body.putArray("events");
        return post(channel, url, serialize(body));
    }

    private CompletableFuture<Outcome> post(Channel channel, String url, byte[] body) {
        Instant start = clock.instant();
        long t0 = System.nanoTime();
        URI uri;
        try {
            uri = URI.create(url);
            if (uri.getHost() == null || uri.getScheme() == null) {
                throw new IllegalArgumentException("no host");
            }
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Outcome(0, "COULD_NOT_CONNECT", "Invalid URL syntax", start, 0));
        }
        // Plain http is only for loopback bots; speak HTTP/1.1 to them, as most frameworks expect.
        String scheme = "http".equalsIgnoreCase(uri.getScheme()) ? "h1c" : "https";
        String authority = uri.getRawAuthority();
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        RequestHeaders headers = RequestHeaders.builder(HttpMethod.POST, path)
                .contentType(MediaType.JSON_UTF_8)
                .add(WebhookSignature.HEADER, WebhookSignature.sign(channel.secret(), body))
                .add("user-agent", "LineBotWebhook/2.0")
                .build();
        CompletableFuture<AggregatedHttpResponse> res;
        try {
            res = clientFor(scheme + "://" + authority)
                    .execute(HttpRequest.of(headers, com.linecorp.armeria.common.HttpData.wrap(body))).aggregate();
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
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof UnprocessedRequestException)
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

    private static byte[] serialize(ObjectNode body) {
        try {
            return Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void clear() {
        lanes.values().forEach(l -> {
            l.queue.clear();
            l.queued.set(0);
        });
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        factory.close();
    }
}
