package io.linegate.server;

import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.logging.AccessLogWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook access log the guidelines ask for (time, sender address, method, path, status) plus
 * latency and request id, and the webhook request meters. No bodies, headers or query strings, so
 * nothing secret can reach it. It sees every request, including those Armeria rejects itself (413).
 */
final class AccessLog implements AccessLogWriter {
    private static final Logger access = LoggerFactory.getLogger("linegate.access");
    private final String webhookPath;
    private final MeterRegistry registry;
    private final Timer ackLatency;
    private final Map<Integer, Counter> requests = new ConcurrentHashMap<>();

    AccessLog(String webhookPath, MeterRegistry registry) {
        this.webhookPath = webhookPath;
        this.registry = registry;
        this.ackLatency = Timer.builder("linegate.ack.latency")
                .description("time from a webhook request's arrival to its response")
                .publishPercentileHistogram()
                .register(registry);
    }

    @Override
    public void log(RequestLog log) {
        ServiceRequestContext ctx = (ServiceRequestContext) log.context();
        int status = log.responseHeaders().status().code();
        long nanos = log.totalDurationNanos();
        String path = ctx.path();
        if (path.equals(webhookPath)) {
            requests.computeIfAbsent(status, code -> Counter.builder("linegate.webhook.requests")
                    .description("webhook requests by response status")
                    .tag("status", String.valueOf(code)).register(registry)).increment();
            ackLatency.record(nanos, TimeUnit.NANOSECONDS);
        }
        if (access.isInfoEnabled()) {
            access.info("{} {} {} {} {} {}ms {}", Instant.ofEpochMilli(log.requestStartTimeMillis()),
                    ctx.clientAddress().getHostAddress(), ctx.method(), path, status,
                    String.format("%.3f", nanos / 1e6), ctx.id().text());
        }
    }
}
