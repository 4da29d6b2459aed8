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

    /**
     * A page of attempts matching {@code search}, newest first (by time, then by the order they were
     * logged), strictly after {@code after} in that order ({@code null}: from the newest). Paged by
     * key, never by offset, so that a page deep in a million rows costs what the first one does.
     */
    List<Logged> search(Search search, Position after, int limit);

    /**
     * Every attempt of the request logged as {@code id}, oldest first: those sharing its retry key,
     * else those sharing its {@code x-line-request-id} (a retried send LINE refused with 409 names the
     * one that was accepted), else the attempt alone; at most {@code limit}. Empty if there is no such row.
     */
    List<Logged> attempts(long id, int limit);

    /** Deletes attempts older than {@code before}; returns how many. */
    CompletableFuture<Integer> pruneApiRequests(Instant before);

    /**
     * What to search the log for; a {@code null} part matches everything. {@code from} is inclusive,
     * {@code to} exclusive; {@code endpoint} is a path as logged (such as {@code /v2/bot/message/push});
     * {@code requestId} matches either the request's own id or the accepted one it names.
     */
    record Search(Instant from, Instant to, String endpoint, Integer statusFrom, Integer statusTo, String retryKey,
                  String requestId) {
        public static final Search ALL = new Search(null, null, null, null, null, null, null);
    }

    /** A place in the log's newest-first order: an attempt's time and its row id. */
    record Position(Instant at, long id) {}

    /** A logged attempt with its row id. */
    record Logged(long id, ApiCall call) {
        public Position position() {
            return new Position(call.at(), id);
        }
    }

    record ApiCall(Instant at, String method, String endpoint, int status, long latencyMs, String requestId,
                   String acceptedRequestId, String retryKey, int attempt, String error, String requestBody) {}
}
