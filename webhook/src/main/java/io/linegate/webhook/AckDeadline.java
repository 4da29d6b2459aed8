package io.linegate.webhook;

import io.linegate.core.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision of when the store is too slow to acknowledge: an append that has not committed within
 * the deadline is answered {@code 503} at once rather than with a late {@code 200} (the append itself
 * goes on: if it commits, the event is handled, and LINE's redelivery of it is a duplicate that the
 * journal drops). Once one append has missed the deadline, new webhooks are refused at once, without
 * being appended, until every append in flight has committed: so that a store that cannot keep up
 * is not given more to do, and no caller waits for it.
 *
 * <p>LINE counts a {@code 503}, like a response later than 2 seconds, as a failed delivery, and
 * redelivers it where webhook redelivery is enabled (Messaging API documentation, "Receive messages
 * (webhook)", "Webhook redelivery"). The difference is that the {@code 503} is fast, so the node's
 * other acknowledgements stay within the limit.
 */
final class AckDeadline {
    private static final Logger log = LoggerFactory.getLogger(AckDeadline.class);

    private final Duration deadline;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean overloaded;
    private final RateLimitedLog lateLines = new RateLimitedLog(log, 1, Duration.ofSeconds(10));
    private final Counter late;
    private final Counter shed;

    AckDeadline(Duration deadline, MeterRegistry registry) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("the acknowledgement deadline must be positive, not " + deadline);
        }
        this.deadline = deadline;
        this.late = Counter.builder("linegate_webhook_overloaded").tag("reason", "deadline")
                .description("webhooks answered 503 because the store did not commit them in time").register(registry);
        this.shed = Counter.builder("linegate_webhook_overloaded").tag("reason", "shed")
                .description("webhooks answered 503 at once while earlier appends were late").register(registry);
    }

    Duration deadline() {
        return deadline;
    }

    /** True if a webhook may be appended now; false if it is to be refused at once. */
    boolean admit() {
        if (overloaded) {
            if (inFlight.get() > 0) {
                shed.increment();
                return false;
            }
            overloaded = false;
            log.info("the store caught up; acknowledging webhooks again");
        }
        inFlight.incrementAndGet();
        return true;
    }

    /** An admitted append committed or failed. */
    void finished() {
        inFlight.decrementAndGet();
    }

    /** An admitted append missed the deadline. */
    void missed() {
        late.increment();
        overloaded = true;
        lateLines.warn("the store did not commit a webhook within {} ms ({} appends in flight); answering 503 "
                + "until it catches up (linegate_webhook_overloaded_total counts them)", deadline.toMillis(), inFlight.get());
    }
}
