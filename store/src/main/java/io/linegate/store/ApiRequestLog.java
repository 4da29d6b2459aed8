package io.linegate.store;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The API request log: one row per attempt of every request to the LINE Platform. */
public interface ApiRequestLog {

    /** Records an attempt; durable when the future completes. */
    CompletableFuture<Void> record(ApiCall call);

    /**
     * Attempts since {@code since}, newest first, optionally only those whose status is in
     * [{@code statusFrom}, {@code statusTo}] and only those with {@code requestId} (either id).
     */
    List<ApiCall> query(Instant since, int statusFrom, int statusTo, String requestId, int limit);

    /** Deletes attempts older than {@code before}; returns how many. */
    CompletableFuture<Integer> pruneApiRequests(Instant before);

    record ApiCall(Instant at, String method, String endpoint, int status, long latencyMs, String requestId,
                   String acceptedRequestId, String retryKey, int attempt, String error, String requestBody) {}
}
