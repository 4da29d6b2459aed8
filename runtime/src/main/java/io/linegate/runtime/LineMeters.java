package io.linegate.runtime;

import io.linegate.messaging.LineFigures;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the sending stack counts of LINE, as meters, wherever linegate is hosted:
 * {@code linegate.line.requests} (attempts by endpoint and answer class: 2xx, 429, 4xx, 5xx, none,
 * other) and {@code linegate.line.rate.limit} (the requests per second the endpoint's limit allows this
 * process). Read from the sender's own adders when the registry is scraped; nothing more is done per send.
 */
public final class LineMeters {
    private LineMeters() {}

    /** Registers the meters of every endpoint {@code figures} has used, and of each one it uses later. */
    public static void bind(MeterRegistry registry, LineFigures figures) {
        figures.forEachEndpoint(e -> {
            for (String answer : LineFigures.CLASSES) {
                FunctionCounter.builder("linegate.line.requests", e, endpoint -> endpoint.answers(answer))
                        .description("attempts of requests to the LINE Platform by endpoint and answer class")
                        .tag("endpoint", e.name()).tag("status", answer).register(registry);
            }
            Gauge.builder("linegate.line.rate.limit", e, LineFigures.Endpoint::limitPerSecond)
                    .description("requests per second LINE's rate limit on the endpoint allows this process")
                    .tag("endpoint", e.name()).tag("limit", e.limit()).register(registry);
        });
    }
}
