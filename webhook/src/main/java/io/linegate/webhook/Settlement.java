package io.linegate.webhook;

import io.linegate.core.Backoff;
import io.linegate.store.Cluster;
import io.linegate.store.EventJournal;
import io.linegate.store.EventJournal.StoredEvent;
import io.linegate.store.WriteFailures;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a handled event is settled: done (its done-mark committed with the handler's state changes,
 * fenced by the partition's lease), retried after a {@link Backoff}, or dead-lettered, as the
 * {@link FailurePolicy} decides and the attempts allow. The policy decides; this class reacts, and
 * tells the dispatcher's lanes what became of the event ({@link Lanes}). A done-mark or dead letter
 * that could not be written is tried again; one refused because another node took the partition
 * leaves the event to that node.
 */
final class Settlement {
    private static final Logger log = LoggerFactory.getLogger(Settlement.class);

    /** What settling does to the event's lane. */
    interface Lanes {
        /** The head is settled: the lane goes on with its next event. */
        void advance(Lane lane);

        /** The head runs again after {@code delayMs}. */
        void retryLater(Lane lane, long delayMs);

        /** The partition went to another node: the lane is unloaded, its events left to that node. */
        void drop(Lane lane);

        /** The head's run {@code attempt} failed. */
        void attempted(Lane lane, int attempt);
    }

    private final EventJournal journal;
    private final DispatchListener listener;
    private final FailurePolicy failurePolicy;
    private final int maxAttempts;
    private final Backoff backoff;
    private final BacklogCount backlog;
    private final DispatchMetrics metrics;
    private final Executor workers;
    private final Lanes lanes;

    Settlement(EventJournal journal, DispatchListener listener, FailurePolicy failurePolicy, int maxAttempts,
               Backoff backoff, BacklogCount backlog, DispatchMetrics metrics, Executor workers, Lanes lanes) {
        this.journal = journal;
        this.listener = listener;
        this.failurePolicy = failurePolicy;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.backlog = backlog;
        this.metrics = metrics;
        this.workers = workers;
        this.lanes = lanes;
    }

    /** The handler finished: the done-mark commits with the state changes, then the lane moves on. */
    void done(Lane lane, StoredEvent head, String outcome, Map<String, String> changes, int attempt) {
        settle(() -> journal.complete(head.seq(), lane.key, changes), lane, head, outcome, "mark done",
                () -> listener.done(head.eventId(), outcome, attempt));
    }

    /**
     * Once the event's last write is durable, counts it, tells the listener and moves its lane on; if the
     * write failed (the store away, a row held elsewhere past the lock timeout), writes it again a second
     * later, without running the handler again (its sends were made); if the partition went to another
     * node meanwhile, leaves the event to it.
     */
    private void settle(Supplier<CompletableFuture<Void>> write, Lane lane, StoredEvent head, String outcome,
                        String doing, Runnable tellListener) {
        backlog.writeStarted();
        write.get().whenCompleteAsync((v, err) -> {
            backlog.writeEnded(err == null ? -1 : 0);
            if (leaseLost(lane, head, err)) {
                return;
            }
            if (err != null) {
                if (WriteFailures.cannotWrite(err) == null) { // else said by the store, rate-limited
                    log.warn("could not {} event {} ({}); writing it again in 1 s", doing, head.eventId(),
                            rootMessage(err));
                }
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS, workers)
                        .execute(() -> settle(write, lane, head, outcome, doing, tellListener));
                return;
            }
            metrics.processed(outcome).increment();
            tell(tellListener);
            lanes.advance(lane);
        }, workers);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** Tells the listener; it must not disturb dispatching. */
    private void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("the dispatch listener failed; ignored", e);
        }
    }

    /** The handler failed: retried after a backoff, or dead-lettered, as the policy and the attempts decide. */
    void failed(Lane lane, StoredEvent head, int attempt, Throwable error) {
        if (leaseLost(lane, head, error)) {
            return; // not this node's to retry or dead-letter: the partition's new holder handles the event
        }
        lanes.attempted(lane, attempt);
        FailurePolicy.Decision decision = decide(error);
        String message = error.getClass().getName() + ": " + error.getMessage();
        if (!decision.retry()) {
            log.warn("event {} failed and was not retried ({}); dead-lettered at once", head.eventId(),
                    decision.reason(), error);
            deadLetter(lane, head, attempt, "not retried, " + decision.reason() + ": " + message, "not_retryable", error);
            return;
        }
        if (attempt >= maxAttempts) {
            log.error("event {} failed {} times; dead-lettered", head.eventId(), attempt, error);
            deadLetter(lane, head, attempt, message, "dead_lettered", error);
            return;
        }
        long delay = backoff.delayMillis(attempt);
        log.warn("event {} failed (attempt {} of {}); retrying in {} ms", head.eventId(), attempt, maxAttempts,
                delay, error);
        metrics.processed("retried").increment();
        journal.recordFailure(head.seq(), attempt, message)
                .whenComplete((v, err) -> {
                    tell(() -> listener.failed(head.eventId(), attempt, error, true));
                    lanes.retryLater(lane, delay);
                });
    }

    /**
     * Whether {@code err} says another node took the event's partition while it was handled here: then
     * nothing of this run is committed, the lane is unloaded, and the new owner handles the event.
     */
    private boolean leaseLost(Lane lane, StoredEvent head, Throwable err) {
        Throwable cause = err;
        for (int depth = 0; cause != null && !(cause instanceof Cluster.LeaseLostException) && depth < 8; depth++) {
            cause = cause.getCause(); // a handler may have wrapped it (a future's ExecutionException, say)
        }
        if (cause == null || !(cause instanceof Cluster.LeaseLostException)) {
            return false;
        }
        log.warn("event {} was handled here after its partition {} went to another node; that node handles it again",
                head.eventId(), lane.partition);
        metrics.processed("lease_lost").increment();
        lanes.drop(lane);
        return true;
    }

    /** The policy's decision; a policy that throws is not trusted, and the event is retried as before. */
    private FailurePolicy.Decision decide(Throwable error) {
        try {
            return Objects.requireNonNull(failurePolicy.decide(error), "decision");
        } catch (RuntimeException e) {
            log.warn("the failure policy failed on {}; retrying the event", error.getClass().getName(), e);
            return FailurePolicy.Decision.retry("the failure policy failed");
        }
    }

    private void deadLetter(Lane lane, StoredEvent head, int attempt, String error, String outcome, Throwable cause) {
        settle(() -> journal.deadLetter(head.seq(), attempt, error), lane, head, outcome, "dead-letter",
                () -> listener.failed(head.eventId(), attempt, cause, false));
    }
}
