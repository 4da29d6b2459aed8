package io.linegate.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The webhook request meters, wherever the webhook path is hosted (Armeria's {@link AccessLog}, or a
 * servlet container through the Spring Boot starter): {@code linegate.webhook.requests} by response
 * status and {@code linegate.ack.latency}.
 */
public final class WebhookMeters {
    private final MeterRegistry registry;
    private final Timer ackLatency;
    private final Map<Integer, Counter> requests = new ConcurrentHashMap<>();

    public WebhookMeters(MeterRegistry registry) {
        this.registry = registry;
        this.ackLatency = Timer.builder("linegate.ack.latency")
                .description("time from a webhook request's arrival to its response")
                .publishPercentileHistogram()
                .register(registry);
    }

    /** One webhook request answered with {@code status} after {@code nanos}. */
    public void record(int status, long nanos) {
        requests.computeIfAbsent(status, code -> Counter.builder("linegate.webhook.requests")
                .description("webhook requests by response status")
                .tag("status", String.valueOf(code)).register(registry)).increment();
        ackLatency.record(nanos, TimeUnit.NANOSECONDS);
    }
}
