package io.linegate.bench.sending;

import io.linegate.store.ApiRequestLog;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Recorder;

/**
 * The API request log as linegate writes it (every attempt, through MessageSender's interceptor), counted on
 * the way to the real store: attempts by HTTP status (0 = no response) and the attempt's own round trip in
 * milliseconds (the log's resolution), as the client saw them.
 */
final class CountingLog implements ApiRequestLog {
    private final ApiRequestLog delegate; // null: count only
    private final AtomicLongArray byStatus = new AtomicLongArray(600);
    final Recorder attemptMs = new Recorder(3);

    CountingLog(ApiRequestLog delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletableFuture<Void> record(ApiCall call) {
        byStatus.incrementAndGet(call.status() >= 0 && call.status() < 600 ? call.status() : 0);
        attemptMs.recordValue(Math.max(0, call.latencyMs()));
        return delegate == null ? CompletableFuture.completedFuture(null) : delegate.record(call);
    }

    long status(int code) {
        return byStatus.get(code);
    }

    long total() {
        long t = 0;
        for (int i = 0; i < byStatus.length(); i++) {
            t += byStatus.get(i);
        }
        return t;
    }

    /** Statuses other than 200 that were seen, as "code=count ..." ("" if none). */
    String others() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < byStatus.length(); i++) {
            if (i != 200 && byStatus.get(i) > 0) {
                b.append(b.length() == 0 ? "" : " ").append(i).append('=').append(byStatus.get(i));
            }
        }
        return b.toString();
    }

    @Override
    public List<ApiCall> query(Instant since, int statusFrom, int statusTo, String requestId, int limit) {
        return delegate == null ? List.of() : delegate.query(since, statusFrom, statusTo, requestId, limit);
    }

    @Override
    public CompletableFuture<Integer> pruneApiRequests(Instant before) {
        return delegate == null ? CompletableFuture.completedFuture(0) : delegate.pruneApiRequests(before);
    }

    @Override
    public List<Logged> search(Search search, Position after, int limit) {
        return delegate == null ? List.of() : delegate.search(search, after, limit);
    }

    @Override
    public List<Logged> attempts(long id, int limit) {
        return delegate == null ? List.of() : delegate.attempts(id, limit);
    }
}
