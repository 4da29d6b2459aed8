package io.linegate.cli.preflight;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Signed Verify requests ({@code "events": []}, as the console's Verify button sends) get 200 within
 * 2 seconds: measured over several requests, judged on the 99th percentile.
 */
final class VerifyLatencyCheck extends Check {
    static final Duration LIMIT = Duration.ofSeconds(2);

    VerifyLatencyCheck() {
        super("webhook.verify", "200 within 2 seconds", Guidelines.PROCESSING, Gates.BOT);
    }

    @Override
    public CheckResult run(Deployment d) {
        int n = d.target.verifyRequests();
        List<Long> millis = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            Http.Response res = d.signedWebhook(d.anyCertificate, d.target.webhookUrl(), d.verifyBody());
            millis.add(res.status() == 0 ? Math.max(res.elapsedNanos() / 1_000_000, d.timeout().toMillis())
                    : res.elapsedNanos() / 1_000_000);
            outcomes.merge(res.outcome(), 1, Integer::sum);
        }
        long p50 = percentile(millis, 50);
        long p99 = percentile(millis, 99);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("requests", n);
        details.put("outcomes", outcomes);
        details.put("p50Ms", p50);
        details.put("p99Ms", p99);
        details.put("maxMs", millis.stream().mapToLong(Long::longValue).max().orElse(0));
        String measured = n + " signed Verify requests: p50 " + p50 + " ms, p99 " + p99 + " ms";
        int ok = outcomes.getOrDefault("200", 0);
        if (ok < n) {
            outcomes.remove("200");
            return result(Status.FAIL, measured + "; not 200: " + outcomes
                    + (outcomes.containsKey("401") ? " (a correctly signed request refused: is the server using this"
                    + " channel's secret?)" : ""), details);
        }
        if (p99 > LIMIT.toMillis()) {
            return result(Status.FAIL, measured + ": LINE needs the 200 within 2 seconds", details);
        }
        return result(Status.PASS, measured + ", all 200", details);
    }

    /** Nearest-rank percentile. */
    static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
