package io.linegate.webhook;

import io.linegate.core.Retryable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;

/** The standard {@link FailurePolicy}: see its class comment. */
final class Failures {
    private static final int MAX_DEPTH = 16; // a cause chain longer than this is not worth walking

    private Failures() {}

    static FailurePolicy.Decision classify(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            if (t instanceof Retryable r) {
                return r.retryCanSucceed()
                        ? FailurePolicy.Decision.retry("the failure says a retry can succeed")
                        : FailurePolicy.Decision.deadLetter("a retry cannot succeed");
            }
            if (t instanceof IOException || t instanceof UncheckedIOException || t instanceof TimeoutException) {
                return FailurePolicy.Decision.retry("a network or I/O failure");
            }
            if (isProgrammingError(t)) {
                return FailurePolicy.Decision.deadLetter("a programming error in the handler ("
                        + t.getClass().getSimpleName() + "): the same event would fail the same way;"
                        + " fix the bot and replay it");
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return FailurePolicy.Decision.retry("the failure may be temporary");
    }

    static boolean isProgrammingError(Throwable t) {
        return t instanceof NullPointerException || t instanceof ClassCastException
                || t instanceof IndexOutOfBoundsException || t instanceof ArithmeticException
                || t instanceof AssertionError || t instanceof LinkageError;
    }
}
