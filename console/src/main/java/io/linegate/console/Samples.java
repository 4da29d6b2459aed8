package io.linegate.console;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The last hour of the process's own meters, one sample a second, for the overview's charts: taken by
 * a timer thread off every request path, reading only meters the process keeps anyway (so an
 * acknowledgement does no more work with the console on than off).
 */
final class Samples {
    static final int CAPACITY = 3_600;

    /**
     * One second: webhook requests by status, acknowledgement latency percentiles (ms, of that second's
     * requests; -1 without any), events received and finished by outcome, the backlog and the lag, and
     * the attempts of requests to LINE by endpoint and answer class (2xx, 429, 4xx, 5xx, none).
     */
    record Sample(long at, Map<String, Long> webhooks, double ackP50, double ackP99, long received,
                  Map<String, Long> processed, double backlog, double lag, Map<String, Map<String, Long>> line) {}

    private final MeterRegistry registry;
    private final LongSupplier millis;
    private final Sample[] ring = new Sample[CAPACITY];
    private int next;
    private int size;
    private Map<String, Double> lastWebhooks; // null before the first sample, which only sets the baseline
    private Map<String, Double> lastProcessed;
    private double lastReceived = Double.NaN;
    private double[] lastBuckets;
    private Map<String, Double> lastLine;

    Samples(MeterRegistry registry, LongSupplier millis) {
        this.registry = registry;
        this.millis = millis;
    }

    /** Takes one sample (the timer thread calls this once a second). */
    void take() {
        Map<String, Double> webhooks = byTag("linegate.webhook.requests", "status");
        Map<String, Double> processed = byTag("linegate.events.processed", "outcome");
        Counter receivedCounter = registry.find("linegate.events.received").counter();
        double received = receivedCounter == null ? 0 : receivedCounter.count();
        double[] p = percentiles();
        Gauge depth = registry.find("linegate.queue.depth").gauge();
        Gauge lag = registry.find("linegate.events.lag").gauge();
        Map<String, Double> line = lineRequests();
        Sample s = new Sample(millis.getAsLong(), delta(webhooks, lastWebhooks), p[0], p[1],
                Double.isNaN(lastReceived) ? 0 : Math.round(received - lastReceived), delta(processed, lastProcessed),
                depth == null ? 0 : finite(depth.value()), lag == null ? 0 : finite(lag.value()), byEndpoint(line));
        lastLine = line;
        lastWebhooks = webhooks;
        lastProcessed = processed;
        lastReceived = received;
        synchronized (ring) {
            ring[next] = s;
            next = (next + 1) % CAPACITY;
            size = Math.min(CAPACITY, size + 1);
        }
    }

    /** The samples taken after {@code since} (epoch ms), oldest first. */
    List<Sample> since(long since) {
        List<Sample> out = new ArrayList<>();
        synchronized (ring) {
            for (int i = 0; i < size; i++) {
                Sample s = ring[(next - size + i + CAPACITY) % CAPACITY];
                if (s.at() > since) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    private Map<String, Double> byTag(String name, String tag) {
        Map<String, Double> out = new TreeMap<>();
        for (Counter c : registry.find(name).counters()) {
            String v = c.getId().getTag(tag);
            out.merge(v == null ? "?" : v, c.count(), Double::sum);
        }
        return out;
    }

    /** The attempts of requests to LINE so far, keyed {@code <endpoint> <answer class>}. */
    private Map<String, Double> lineRequests() {
        Map<String, Double> out = new TreeMap<>();
        for (FunctionCounter c : registry.find("linegate.line.requests").functionCounters()) {
            out.merge(c.getId().getTag("endpoint") + " " + c.getId().getTag("status"), c.count(), Double::sum);
        }
        return out;
    }

    /** What each endpoint's answer classes gained since the last sample; endpoints without any are left out. */
    private Map<String, Map<String, Long>> byEndpoint(Map<String, Double> now) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        if (lastLine == null) {
            return out;
        }
        delta(now, lastLine).forEach((key, n) -> {
            if (n > 0) {
                int space = key.lastIndexOf(' ');
                out.computeIfAbsent(key.substring(0, space), k -> new TreeMap<>()).put(key.substring(space + 1), n);
            }
        });
        return out;
    }

    /** Each endpoint's limit in requests per second, and LINE's wording of it. */
    Map<String, Map<String, Object>> limits() {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        for (Gauge g : registry.find("linegate.line.rate.limit").gauges()) {
            out.put(g.getId().getTag("endpoint"), Map.of("perSecond", finite(g.value()), "limit",
                    String.valueOf(g.getId().getTag("limit"))));
        }
        return out;
    }

    /** What each counter gained since the last sample (a counter that appeared since counts from zero). */
    private static Map<String, Long> delta(Map<String, Double> now, Map<String, Double> before) {
        Map<String, Long> out = new TreeMap<>();
        now.forEach((k, v) -> out.put(k, before == null ? 0 : Math.round(v - before.getOrDefault(k, 0.0))));
        return out;
    }

    /** p50 and p99 of the last second's acknowledgements, from the cumulative histogram's buckets. */
    private double[] percentiles() {
        Timer timer = registry.find("linegate.ack.latency").timer();
        if (timer == null) {
            return new double[] {-1, -1};
        }
        CountAtBucket[] buckets = timer.takeSnapshot().histogramCounts();
        double[] counts = new double[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            counts[i] = buckets[i].count();
        }
        double[] before = lastBuckets;
        lastBuckets = counts;
        if (before == null || before.length != counts.length || counts.length == 0) {
            return new double[] {-1, -1};
        }
        double total = counts[counts.length - 1] - before[before.length - 1];
        if (total <= 0) {
            return new double[] {-1, -1};
        }
        return new double[] {bucketAt(buckets, counts, before, total * 0.5), bucketAt(buckets, counts, before, total * 0.99)};
    }

    private static double bucketAt(CountAtBucket[] buckets, double[] counts, double[] before, double rank) {
        for (int i = 0; i < buckets.length; i++) {
            if (counts[i] - before[i] >= rank) {
                return buckets[i].bucket(TimeUnit.MILLISECONDS);
            }
        }
        return buckets[buckets.length - 1].bucket(TimeUnit.MILLISECONDS);
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}
