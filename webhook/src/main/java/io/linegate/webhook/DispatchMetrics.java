package io.linegate.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/** The dispatcher's meters: events received, duplicates, degraded, throttled, finished by outcome; backlog, partitions, lag. */
final class DispatchMetrics {
    final MeterRegistry registry;
    final Counter received;
    final Counter duplicates;
    final Counter throttled;
    final Counter degraded;
    final Counter lateFound;
    final Counter splitsLost;
    final Counter splitsHeld;
    final Map<String, Counter> processed = new ConcurrentHashMap<>();

    DispatchMetrics(MeterRegistry registry, BacklogCount backlog, Ownership ownership, DoubleSupplier lag) {
        this.registry = registry;
        received = Counter.builder("linegate.events.received").description("events split out of webhooks")
                .register(registry);
        duplicates = Counter.builder("linegate.events.duplicate")
                .description("events skipped because their webhookEventId was already seen").register(registry);
        degraded = Counter.builder("linegate.events.degraded")
                .description("events of a known type read without a sub-field whose shape the SDK does not know")
                .register(registry);
        lateFound = Counter.builder("linegate.events.late")
                .description("events found behind the load cursor, committed after later-numbered ones (shared stores)")
                .register(registry);
        splitsLost = Counter.builder("linegate.splits.lost")
                .description("splits given up because another node had split the same bodies first")
                .register(registry);
        splitsHeld = Counter.builder("linegate.splits.held")
                .description("splits that stepped around webhook bodies another session held, with the later bodies"
                        + " of their conversations (shared stores)")
                .register(registry);
        throttled = Counter.builder("linegate.events.throttled")
                .description("times a source's event waited for its flood limit").register(registry);
        Gauge.builder("linegate.queue.depth", backlog, BacklogCount::get)
                .description("events stored and not yet done").register(registry);
        Gauge.builder("linegate.cluster.partitions", ownership, Ownership::owned)
                .description("event partitions this node holds").register(registry);
        // Held strongly: Micrometer holds a gauge's object weakly, and nothing else holds this lambda, so
        // the gauge read NaN once a collection had taken it.
        Gauge.builder("linegate.events.lag", lag, DoubleSupplier::getAsDouble).strongReference(true).baseUnit("seconds")
                .description("age of the oldest event this node has loaded and not finished").register(registry);
    }

    Counter processed(String outcome) {
        return processed.computeIfAbsent(outcome, o -> Counter.builder("linegate.events.processed")
                .description("events finished, by outcome").tag("outcome", o).register(registry));
    }
}
