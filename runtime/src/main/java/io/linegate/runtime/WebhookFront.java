package io.linegate.runtime;

import io.linegate.core.WebhookSignature;
import io.linegate.store.WriteFailures;
import io.linegate.webhook.WebhookReceiver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook path after the body has been read, for every host: the signature checked and the body
 * appended by the {@link WebhookReceiver}, then the {@link WebhookAnswer}: {@code 200} once durable,
 * {@code 401} by the signature's verdict, {@code 503} when the store is behind (counted by the
 * receiver, not a storage failure) or failed (logged as such, so that it is not taken as received).
 * A host reads the body within its limits and its budget, answers what cannot be read with
 * {@link WebhookAnswer#TOO_LARGE}, {@link WebhookAnswer#TOO_SLOW} or {@link WebhookAnswer#UNREADABLE},
 * and writes the answer.
 */
public final class WebhookFront {
    private static final Logger log = LoggerFactory.getLogger(WebhookFront.class);

    private WebhookFront() {}

    /** Receives a whole body; the future never fails. */
    public static CompletableFuture<WebhookAnswer> receive(WebhookReceiver receiver, byte[] body, String signature) {
        CompletableFuture<WebhookReceiver.Receipt> receipt;
        try {
            receipt = receiver.receive(body, signature);
        } catch (RuntimeException e) {
            receipt = CompletableFuture.failedFuture(e);
        }
        return receipt.handle((r, error) -> error != null ? failed(error) : answer(r.verdict()));
    }

    /** The answer to a receipt's verdict. */
    public static WebhookAnswer answer(WebhookSignature.Verdict verdict) {
        return switch (verdict) {
            case VALID -> WebhookAnswer.ACCEPTED;
            case MISSING -> WebhookAnswer.MISSING_SIGNATURE;
            case MALFORMED -> WebhookAnswer.MALFORMED_SIGNATURE;
            default -> WebhookAnswer.INVALID_SIGNATURE;
        };
    }

    private static WebhookAnswer failed(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof WebhookReceiver.OverloadedException) {
            return WebhookAnswer.OVERLOADED; // counted and logged (rate-limited) by the receiver
        }
        if (WriteFailures.cannotWrite(cause) != null) {
            return WebhookAnswer.NOT_STORED; // the store cannot write (disk full, read-only, I/O): said once, by the store
        }
        log.error("could not journal a webhook; answering 503 so that it is not taken as received", cause);
        return WebhookAnswer.NOT_STORED;
    }
}
