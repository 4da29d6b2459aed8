package io.linegate.webhook;

import io.linegate.core.WebhookSignature;
import io.linegate.core.WebhookSignature.Verdict;
import io.linegate.store.EventJournal;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The acknowledgement path: check the signature on the raw bytes, append the
 * body durably, and nothing else. Parsing and handling happen later in the {@link Dispatcher}, so
 * that the {@code 200} costs an HMAC and a share of one fsync, whatever the handlers do.
 */
public final class WebhookReceiver {

    /** What became of a request. */
    public record Receipt(Verdict verdict) {
        public boolean accepted() {
            return verdict.isValid();
        }
    }

    /**
     * The store could not acknowledge in time: answer {@code 503} (LINE redelivers where redelivery is
     * on). Not a failure of the store: it says nothing about whether the body was kept.
     */
    public static final class OverloadedException extends RuntimeException {
        OverloadedException(String message) {
            super(message, null, false, false);
        }
    }

    private final WebhookSignature signature;
    private final EventJournal journal;
    private final Runnable onAppended;
    private final Clock clock;
    private final AckDeadline deadline; // null: wait for the store however long it takes

    public WebhookReceiver(WebhookSignature signature, EventJournal journal, Runnable onAppended, Clock clock) {
        this(signature, journal, onAppended, clock, null);
    }

    private WebhookReceiver(WebhookSignature signature, EventJournal journal, Runnable onAppended, Clock clock,
                            AckDeadline deadline) {
        this.signature = signature;
        this.journal = journal;
        this.onAppended = onAppended;
        this.clock = clock;
        this.deadline = deadline;
    }

    /**
     * This receiver with a deadline on the store: an append not committed within {@code deadline}
     * fails with {@link OverloadedException} (the append goes on), and further webhooks fail so at
     * once, without being appended, until the appends in flight have committed. Counted in
     * {@code linegate_webhook_overloaded_total}.
     */
    public WebhookReceiver ackDeadline(Duration deadline, MeterRegistry registry) {
        return new WebhookReceiver(signature, journal, onAppended, clock, new AckDeadline(deadline, registry));
    }

    /**
     * Completes once the body is durable (accepted) or at once (rejected: nothing is stored).
     * Completes exceptionally if the store cannot write, in which case the caller must not send 200.
     */
    public CompletableFuture<Receipt> receive(byte[] body, String signatureHeader) {
        Verdict verdict = signature.verify(body, signatureHeader);
        if (!verdict.isValid()) {
            return CompletableFuture.completedFuture(new Receipt(verdict));
        }
        if (deadline == null) {
            return journal.append(body, clock.instant()).thenApply(done -> {
                onAppended.run();
                return new Receipt(verdict);
            });
        }
        if (!deadline.admit()) {
            return CompletableFuture.failedFuture(new OverloadedException("earlier webhooks are still being stored"));
        }
        CompletableFuture<Void> append = journal.append(body, clock.instant());
        append.whenComplete((done, error) -> {
            deadline.finished();
            if (error == null) {
                onAppended.run();
            }
        });
        // A copy times out, not the append: if the append commits after all, the event is handled.
        return append.copy().orTimeout(deadline.deadline().toMillis(), TimeUnit.MILLISECONDS).handle((done, error) -> {
            if (error == null) {
                return new Receipt(verdict);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof TimeoutException) {
                deadline.missed();
                throw new OverloadedException("the store did not commit the webhook within " + deadline.deadline().toMillis() + " ms");
            }
            throw error instanceof CompletionException ? (CompletionException) error : new CompletionException(error);
        });
    }
}
