package io.linegate.emulator.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-channel webhook error statistics, as on the console's "Webhook errors" tab: errors with the
 * same reason and detail are counted together, with the first and last time seen. Verify/test
 * requests are not counted, as on the platform.
 */
public final class WebhookErrorStats {
    /** One row: lower-case reason as in the statistics ({@code request_timeout}...). */
    public record Row(String reason, String detail, long errors, Instant first, Instant last) {}

    private final Map<String, Row> rows = new LinkedHashMap<>();
    private long total;

    public synchronized void record(String reason, String detail, Instant at) {
        String r = reason.toLowerCase(Locale.ROOT);
        String key = r + "\u0000" + detail;
        Row old = rows.get(key);
        rows.put(key, old == null ? new Row(r, detail, 1, at, at) : new Row(r, detail, old.errors() + 1, old.first(), at));
        total++;
        if (rows.size() > 1000) { // bounded: the oldest distinct row goes first
            rows.remove(rows.keySet().iterator().next());
        }
    }

    public synchronized List<Row> rows() {
        return new ArrayList<>(rows.values());
    }

    public synchronized long total() {
        return total;
    }

    public synchronized void clear() {
        rows.clear();
        total = 0;
    }
}
