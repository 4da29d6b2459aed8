package io.linegate.server;

import io.linegate.runtime.WebhookMeters;
import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.logging.AccessLogWriter;
import io.micrometer.core.instrument.MeterRegistry;
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
    private final WebhookMeters meters;

    AccessLog(String webhookPath, MeterRegistry registry) {
        this.webhookPath = webhookPath;
        this.meters = new WebhookMeters(registry);
    }

    /** Nanoseconds as milliseconds with three decimals, without String.format's cost. */
    static String millis(long nanos) {
        long micros = nanos / 1_000;
        long frac = micros % 1_000;
        return (micros / 1_000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }

    @Override
    public void log(RequestLog log) {
        ServiceRequestContext ctx = (ServiceRequestContext) log.context();
        if (Boolean.TRUE.equals(ctx.attr(ArmeriaWarmUp.REQUEST))) {
            return; // the node's own synthetic traffic before it is ready: not a request anyone sent
        }
        int status = log.responseHeaders().status().code();
        long nanos = log.totalDurationNanos();
        String path = ctx.path();
        if (path.equals(webhookPath)) {
            meters.record(status, nanos);
        }
        if (access.isInfoEnabled()) {
            // The line's own timestamp is the time; formatting here stays cheap because it runs per request.
            access.info("{} {} {} {} {}ms {}", ctx.clientAddress().getHostAddress(), ctx.method(), path, status,
                    millis(nanos), ctx.id().text());
        }
    }
}
