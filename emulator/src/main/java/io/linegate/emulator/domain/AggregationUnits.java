package io.linegate.emulator.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The aggregation units a channel used each month (Messaging API docs, "Aggregation units" and the
 * reference's "Get number of units used this month"): at most {@link #MAX_PER_MONTH} distinct names a
 * month (JST), and a message sent with the 1,001st is sent without one ("not assigned"). Months
 * before the current one are forgotten. Thread-safe.
 */
public final class AggregationUnits {
    public static final int MAX_PER_MONTH = 1000;
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM").withZone(ZoneId.of("Asia/Tokyo"));
    private final Map<String, Set<String>> byMonth = new HashMap<>();

    /** Assigns {@code unit} this month; false when the month's units are used up and it is new. */
    public synchronized boolean assign(String unit, Instant now) {
        String month = MONTH.format(now);
        byMonth.keySet().removeIf(m -> m.compareTo(month) < 0);
        Set<String> used = byMonth.computeIfAbsent(month, k -> new LinkedHashSet<>());
        if (used.contains(unit)) {
            return true;
        }
        if (used.size() >= MAX_PER_MONTH) {
            return false;
        }
        used.add(unit);
        return true;
    }

    /** The units used this month, in the order they were first used. */
    public synchronized List<String> thisMonth(Instant now) {
        Set<String> used = byMonth.get(MONTH.format(now));
        return used == null ? List.of() : new ArrayList<>(used);
    }

    public synchronized void clear() {
        byMonth.clear();
    }
}
