package io.linegate.spring;

import io.linegate.webhook.EventContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The webhooks' requests, kept for their handlers ({@code linegate.request-capture.*}): each is taken
 * at receipt ({@link CapturedRequest}) under the {@code webhookEventId}s of its body, before the body
 * is appended (so that a handler that runs at once finds it), and forgotten if the webhook is refused.
 * While an {@link EventMapping} method runs, its event's request is Spring's current request
 * ({@link RequestContextHolder}, a {@link ReplayedRequest}), its MDC entries are set again, and the
 * observation that was current at receipt (Spring's {@code http.server.requests}, and with Micrometer
 * Tracing its span) is current again, so that the handler's own observations and spans are its children.
 *
 * <p>Kept in this process's memory, the newest {@code max-kept} events: the journal keeps a webhook's
 * body and nothing else of its request, in every backend. An event handled after a restart, or by
 * another node sharing a PostgreSQL store, runs with a request made from {@code
 * linegate.request-capture.base-url} if it is set, otherwise without request attributes (said once
 * per channel in the log).
 */
final class WebhookRequests implements HandlerMethods.RunScope {
    private static final Logger log = LoggerFactory.getLogger(WebhookRequests.class);
    private static final byte[] KEY = "\"webhookEventId\"".getBytes(StandardCharsets.US_ASCII);

    private final boolean enabled;
    private final Set<String> excludedHeaders;
    private final int maxHeaderBytes;
    private final List<String> mdcKeys;
    private final int maxKept;
    private final URI baseUrl;
    private final Map<String, String> paths; // channel -> webhook path, for restored requests
    private final Set<String> saidMissing = ConcurrentHashMap.newKeySet();
    // The newest maxKept events' requests, without a lock: a lock here was a convoy under load (200 request
    // threads on 2 cores: a holder preempted, the others queued behind it for 10 ms and more). `order` is a
    // ring of what was put, the oldest overwritten and removed from `kept` unless put again since.
    private final ConcurrentHashMap<String, CapturedRequest> kept = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<Map.Entry<String, CapturedRequest>> order;
    private final AtomicLong puts = new AtomicLong();
    private volatile ServletContext servletContext;

    private final Supplier<ObservationRegistry> observationRegistry; // looked up at the first webhook: it needs the channels
    private volatile ObservationRegistry observations;

    WebhookRequests(LinegateProperties.RequestCapture settings, Map<String, String> paths,
                    Supplier<ObservationRegistry> observations) {
        this.observationRegistry = observations;
        this.enabled = settings.isEnabled();
        this.excludedHeaders = settings.getExcludedHeaders().stream().map(h -> h.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        this.maxHeaderBytes = settings.getMaxHeaderBytes();
        this.mdcKeys = List.copyOf(settings.getMdcKeys());
        this.maxKept = settings.getMaxKept();
        this.baseUrl = settings.getBaseUrl();
        this.paths = Map.copyOf(paths);
        this.order = new AtomicReferenceArray<>(Math.max(1, maxKept));
    }

    /** What {@link #keep} kept, to {@link #forget} if the webhook is refused. */
    record Kept(String channel, List<String> eventIds) {
        static final Kept NOTHING = new Kept("", List.of());
    }

    /**
     * What a handler may read of {@code req}, taken on the request's thread inside the application's
     * filters; null when capture is off.
     */
    CapturedRequest capture(HttpServletRequest req) {
        return enabled && maxKept > 0 ? CapturedRequest.of(req, excludedHeaders, maxHeaderBytes, mdcKeys, observations())
                : null;
    }

    private ObservationRegistry observations() {
        ObservationRegistry r = observations;
        if (r == null) {
            r = observationRegistry.get();
            observations = r;
        }
        return r;
    }

    /** Keeps {@code captured} for the events of {@code body} (a webhook of {@code channel} about to be appended). */
    Kept keep(String channel, byte[] body, CapturedRequest captured) {
        if (captured == null) {
            return Kept.NOTHING;
        }
        List<String> ids = eventIds(body);
        if (ids.isEmpty()) {
            return Kept.NOTHING;
        }
        servletContext = captured.servletContext();
        for (String id : ids) {
            String key = channel + " " + id;
            kept.put(key, captured);
            Map.Entry<String, CapturedRequest> oldest = order.getAndSet((int) (puts.getAndIncrement() % order.length()),
                    Map.entry(key, captured));
            if (oldest != null) {
                kept.remove(oldest.getKey(), oldest.getValue()); // not if the same event's request was kept again since
            }
        }
        return new Kept(channel, ids);
    }

    /** Forgets what {@link #keep} kept for a webhook that was not accepted. */
    void forget(Kept k) {
        if (k.eventIds().isEmpty()) {
            return;
        }
        k.eventIds().forEach(id -> kept.remove(k.channel() + " " + id));
    }

    /** The request of an event of {@code channel}, or null. */
    CapturedRequest find(String channel, String eventId) {
        return kept.get(channel + " " + eventId);
    }

    @Override
    public CurrentEvent.Scope enter(String channel, EventContext ctx) {
        if (!enabled) {
            return () -> { };
        }
        CapturedRequest captured = find(channel, ctx.eventId());
        if (captured == null && baseUrl != null) {
            captured = CapturedRequest.restored(baseUrl, paths.getOrDefault(channel, "/"), servletContext);
        }
        if (captured == null) {
            if (saidMissing.add(channel)) {
                log.info("LINE channel '{}': event {} runs without its webhook's request (received before this process"
                        + " started, by another node, or forgotten past linegate.request-capture.max-kept); set"
                        + " linegate.request-capture.base-url to give such events a request (said once per channel)",
                        channel, ctx.eventId());
            }
            return () -> { };
        }
        RequestAttributes outer = RequestContextHolder.getRequestAttributes();
        HandlerRequestAttributes attributes = new HandlerRequestAttributes(new ReplayedRequest(captured));
        RequestContextHolder.setRequestAttributes(attributes);
        // The request's observation (its trace) is current again while the handler runs; MDC entries after it,
        // so that the captured ones win over what a tracing bridge sets.
        Observation.Scope observed = captured.observation() == null ? null : captured.observation().openScope();
        Map<String, String> mdcBefore = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : captured.mdc().entrySet()) {
            mdcBefore.put(e.getKey(), MDC.get(e.getKey()));
            MDC.put(e.getKey(), e.getValue());
        }
        return () -> {
            try {
                attributes.requestCompleted(); // request-scoped beans' destruction callbacks
            } finally {
                RequestContextHolder.setRequestAttributes(outer);
                mdcBefore.forEach((k, v) -> {
                    if (v == null) {
                        MDC.remove(k);
                    } else {
                        MDC.put(k, v);
                    }
                });
                if (observed != null) {
                    observed.close();
                }
            }
        };
    }

    /**
     * The {@code webhookEventId}s of a webhook body, by a scan of its bytes (no JSON parse on the
     * acknowledgement path); LINE's ids are ULIDs, without escapes.
     */
    static List<String> eventIds(byte[] body) {
        List<String> ids = new ArrayList<>(1);
        int i = 0;
        while ((i = indexOf(body, KEY, i)) >= 0) {
            int p = skipSpace(body, i + KEY.length);
            if (p < body.length && body[p] == ':') {
                p = skipSpace(body, p + 1);
                if (p < body.length && body[p] == '"') {
                    int end = p + 1;
                    while (end < body.length && body[end] != '"' && body[end] != '\\' && end - p <= 128) {
                        end++;
                    }
                    if (end < body.length && body[end] == '"' && end > p + 1) {
                        ids.add(new String(body, p + 1, end - p - 1, StandardCharsets.UTF_8));
                    }
                }
            }
            i += KEY.length;
        }
        return ids;
    }

    private static int skipSpace(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Spring's request attributes over the replayed request and the response that was answered. */
    static final class HandlerRequestAttributes extends ServletRequestAttributes {
        HandlerRequestAttributes(ReplayedRequest request) {
            super(request, new AnsweredResponse());
        }
    }
}
