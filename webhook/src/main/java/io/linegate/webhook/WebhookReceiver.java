package io.linegate.webhook;

import io.linegate.core.WebhookSignature;
import io.linegate.core.WebhookSignature.Verdict;
import io.linegate.store.EventJournal;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

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

    private final WebhookSignature signature;
    private final EventJournal journal;
    private final Runnable onAppended;
    private final Clock clock;

    public WebhookReceiver(WebhookSignature signature, EventJournal journal, Runnable onAppended, Clock clock) {
        this.signature = signature;
        this.journal = journal;
        this.onAppended = onAppended;
        this.clock = clock;
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
        return journal.append(body, clock.instant()).thenApply(done -> {
            onAppended.run();
            return new Receipt(verdict);
        });
    }
}
