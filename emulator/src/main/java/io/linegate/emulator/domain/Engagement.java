package io.linegate.emulator.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a channel's users did with its broadcasts and narrowcasts, and with its pushes and multicasts
 * sent with an aggregation unit ({@code customAggregationUnits}, for statistics per unit): who saw a message (an
 * impression: it was on the user's screen) and who tapped which URL in it (a click). Click and
 * impression audiences are made from these (Messaging API reference, "Create audience for
 * click-based retargeting", "... impression-based retargeting": the request ID of a broadcast or
 * narrowcast). The chat page records them as a user reads and taps; the control API records them for
 * tests. Narrowcasts also keep their recipients, for redelivery recipients. Bounded: the latest
 * {@link #MAX_REQUESTS} requests, and recipients of narrowcasts up to {@link #MAX_RECIPIENTS} in all.
 */
public final class Engagement {
    public static final int MAX_REQUESTS = 10_000;
    public static final long MAX_RECIPIENTS = 5_000_000;

    /** A broadcast or narrowcast, or a push or multicast with an aggregation unit, the users can engage with. */
    public static final class Sent {
        final String via;
        final String unit; // the aggregation unit, or null
        final Instant at;
        volatile Set<String> recipients; // narrowcast only; null once dropped for the bound
        final long delivered;
        final int messages;
        final Set<String> impressions = ConcurrentHashMap.newKeySet();
        final AtomicLong impressionCount = new AtomicLong();
        final Map<String, Set<String>> clicks = new ConcurrentHashMap<>(); // url -> users
        final Map<String, AtomicLong> clickCounts = new ConcurrentHashMap<>();
        final Map<String, Integer> clickSeq = new ConcurrentHashMap<>();

        Sent(String via, String unit, Instant at, Set<String> recipients, long delivered, int messages) {
            this.via = via;
            this.unit = unit;
            this.at = at;
            this.recipients = recipients;
            this.delivered = delivered;
            this.messages = messages;
        }

        /** How many users the request reached. */
        public long delivered() {
            return delivered;
        }

        /** How many message objects it carried. */
        public int messages() {
            return messages;
        }

        /** Records that {@code user} saw the message. */
        public void impression(String user) {
            impressions.add(user);
            impressionCount.incrementAndGet();
        }

        public long impressionCount() {
            return impressionCount.get();
        }

        /** Records that {@code user} tapped {@code url} in message {@code seq} (1-based). */
        public void click(String user, String url, int seq) {
            clicks.computeIfAbsent(url, k -> ConcurrentHashMap.newKeySet()).add(user);
            clickCounts.computeIfAbsent(url, k -> new AtomicLong()).incrementAndGet();
            clickSeq.putIfAbsent(url, seq);
        }

        public long clickCount(String url) {
            AtomicLong n = clickCounts.get(url);
            return n == null ? 0 : n.get();
        }

        public int clickSeq(String url) {
            return clickSeq.getOrDefault(url, 1);
        }

        public String via() {
            return via;
        }

        /** What click and impression audiences and the per-message statistics are made from (LINE: broadcasts and narrowcasts only). */
        public boolean broadcastOrNarrowcast() {
            return "broadcast".equals(via) || "narrowcast".equals(via);
        }

        /** The aggregation unit of a push or multicast, else null. */
        public String unit() {
            return unit;
        }

        public long uniqueImpressions() {
            return impressions.size();
        }

        public Instant at() {
            return at;
        }

        public Set<String> recipients() {
            return recipients;
        }

        public Set<String> impressions() {
            return impressions;
        }

        /** Users who clicked {@code url}, or any URL when it is null. */
        public Set<String> clicked(String url) {
            if (url != null) {
                Set<String> s = clicks.get(url);
                return s == null ? Set.of() : Set.copyOf(s);
            }
            Set<String> all = new HashSet<>();
            clicks.values().forEach(all::addAll);
            return all;
        }

        public Map<String, Set<String>> clicks() {
            return clicks;
        }
    }

    private final Map<String, Sent> requests = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Sent> eldest) {
            if (size() > MAX_REQUESTS) {
                if (eldest.getValue().recipients != null) {
                    retained -= eldest.getValue().recipients.size();
                }
                return true;
            }
            return false;
        }
    });
    private long retained;

    /** Records a broadcast or narrowcast; {@code recipients} (narrowcast) are kept within the bound. */
    public void sent(String requestId, String via, Instant at, Set<String> recipients, long delivered, int messages) {
        sent(requestId, via, null, at, recipients, delivered, messages);
    }

    /** Records a push or multicast sent with the aggregation unit {@code unit} (its recipients kept within the bound). */
    public void sent(String requestId, String via, String unit, Instant at, Set<String> recipients, long delivered, int messages) {
        if (requestId == null) {
            return;
        }
        synchronized (requests) {
            Set<String> kept = recipients;
            if (kept != null) {
                // Drop the oldest narrowcasts' recipients until these fit.
                for (Sent s : requests.values()) {
                    if (retained + kept.size() <= MAX_RECIPIENTS) {
                        break;
                    }
                    if (s.recipients != null) {
                        retained -= s.recipients.size();
                        s.recipients = null;
                    }
                }
                if (retained + kept.size() > MAX_RECIPIENTS) {
                    kept = null;
                } else {
                    retained += kept.size();
                }
            }
            requests.put(requestId, new Sent(via, unit, at, kept, delivered, messages));
        }
    }

    /** The pushes and multicasts sent with the aggregation unit {@code unit}, oldest first. */
    public List<Sent> withUnit(String unit) {
        List<Sent> out = new ArrayList<>();
        synchronized (requests) {
            for (Sent s : requests.values()) {
                if (unit.equals(s.unit)) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    public Sent get(String requestId) {
        return requestId == null ? null : requests.get(requestId);
    }

    public void clear() {
        synchronized (requests) {
            requests.clear();
            retained = 0;
        }
    }
}
