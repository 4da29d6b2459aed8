package io.linegate.bench;

import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The cluster-stall benchmark (issue 24): a steady load of signed webhooks on every node ({@code --rate}
 * per node and second, {@code --stop-rate} on the node to be stopped; open loop, at most {@code --in-flight}
 * unanswered per node), each node's handler
 * runs sampled every {@code --interval-ms} from its counter port ({@code GET /counts}, the bench bot's
 * {@link EventCounter}), and after {@code --before} s one node ({@code --stop-pid}, index
 * {@code --stop-index}) is stopped with SIGSTOP for {@code --stop} s, then continued (SIGCONT, also if
 * this program fails), and the load goes on for {@code --after} s; all that {@code --cycles} times.
 *
 * <p>Result: for each healthy node, the longest time its handler ran nothing, over the stretches that
 * overlap a stop ({@code RESULT longest_gap_ms}: the worst healthy node and stop; {@code gaps_ms}: the worst
 * healthy node's at each stop), and the same before the first stop
 * for reference ({@code RESULT baseline_gap_ms}, from 2 s into the load). A gap is the time between two
 * samples that saw the counter move (or from the last such sample to the end of sampling), so its
 * resolution is the sampling interval. Loopback only; every wait is bounded.
 */
final class ClusterStall {
    private ClusterStall() {
    }

    static void run(Args a) throws Exception {
        List<URI> urls = new ArrayList<>();
        for (String u : a.str("urls", null).split(",")) {
            URI uri = URI.create(u);
            if (!"127.0.0.1".equals(uri.getHost())) {
                throw new IllegalArgumentException("loopback only: " + u);
            }
            urls.add(uri);
        }
        List<Integer> stats = new ArrayList<>();
        for (String p : a.str("stats", null).split(",")) {
            stats.add(Integer.parseInt(p.trim()));
        }
        if (stats.size() != urls.size()) {
            throw new IllegalArgumentException("--urls and --stats must name the same nodes, in the same order");
        }
        int n = urls.size();
        int stopIndex = a.integer("stop-index", n - 1);
        long stopPid = a.lng("stop-pid", -1);
        if (stopIndex < 0 || stopIndex >= n || stopPid <= 0 || ProcessHandle.of(stopPid).isEmpty()) {
            throw new IllegalArgumentException("--stop-index must name a node (0.." + (n - 1) + ") and --stop-pid its running process");
        }
        int rate = a.integer("rate", 10);
        // The node to be stopped may get more: a busy node is inside its store transactions (and their locks)
        // most of the time, as a node is when a real pause (GC, VM freeze) hits it.
        int stopRate = a.integer("stop-rate", rate);
        int inFlight = a.integer("in-flight", 64);
        double beforeS = a.dbl("before", 10);
        double stopS = a.dbl("stop", 20);
        double afterS = a.dbl("after", 10);
        long intervalMs = a.lng("interval-ms", 100);
        // A stop hurts the others only if it catches the node holding something they need, which is a matter of
        // timing: more stops, more chances (each cycle: before, stop, after).
        int cycles = a.integer("cycles", 1);
        long first = a.lng("first", 40_000_000);
        int users = a.integer("users", 10_000);
        Path samplesFile = Path.of(a.str("samples", "stall-samples.csv"));
        if (rate < 1 || rate > 20_000 || stopRate < 1 || stopRate > 20_000 || intervalMs < 10 || beforeS < 3 || stopS <= 0 || afterS < 0 || cycles < 1 || cycles > 20) {
            throw new IllegalArgumentException("need 1 <= --rate, --stop-rate <= 20000, --interval-ms >= 10, --before >= 3, --stop > 0, --after >= 0, 1 <= --cycles <= 20");
        }

        Secret secret = Secret.of(Args.secret(), "BENCH_CHANNEL_SECRET");
        ExecutorService io = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "stall-http");
            t.setDaemon(true);
            return t;
        });
        HttpClient http = HttpClient.newBuilder().executor(io).connectTimeout(Duration.ofSeconds(2)).build();
        long t0 = System.nanoTime();
        long cycleNanos = (long) ((beforeS + stopS + afterS) * 1e9);
        long endNanos = t0 + cycles * cycleNanos;
        List<Load> loads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Load load = new Load(http, secret, urls.get(i), i == stopIndex ? stopRate : rate, inFlight, first + i * 1_000_000L, users, t0, endNanos);
            loads.add(load);
            Thread t = new Thread(load::run, "stall-load-" + i);
            t.setDaemon(true);
            t.start();
        }
        Sampler sampler = new Sampler(http, stats, intervalMs, t0);
        Thread samplerThread = new Thread(() -> sampler.run(endNanos + TimeUnit.SECONDS.toNanos(2)), "stall-sampler");
        samplerThread.setDaemon(true);
        samplerThread.start();

        long[] stopAt = new long[cycles];
        long[] contAt = new long[cycles];
        for (int c = 0; c < cycles; c++) {
            sleepUntil(t0 + c * cycleNanos + (long) (beforeS * 1e9));
            try {
                signal("STOP", stopPid);
                stopAt[c] = System.nanoTime() - t0;
                sleepUntil(t0 + stopAt[c] + (long) (stopS * 1e9));
            } finally {
                signal("CONT", stopPid);
            }
            contAt[c] = System.nanoTime() - t0;
        }
        samplerThread.join(TimeUnit.SECONDS.toMillis((long) (afterS + 30)));
        for (Load load : loads) {
            load.awaitAnswers(TimeUnit.SECONDS.toNanos(15));
        }

        List<long[]>[] series = sampler.series();
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(samplesFile))) {
            w.println("t_ms,node,runs");
            for (int i = 0; i < n; i++) {
                for (long[] s : series[i]) {
                    w.println(s[0] / 1_000_000 + "," + i + "," + s[1]);
                }
            }
        }
        long worst = 0;
        long baseline = 0;
        long[] cycleGap = new long[cycles];
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            Load l = loads.get(i);
            out.append(String.format(Locale.ROOT, "RESULT node%d_acked %d%nRESULT node%d_failed %d%nRESULT node%d_not_sent %d%n",
                    i, l.ok.get(), i, l.failed.get(), i, l.skipped.get()));
            if (i == stopIndex) {
                continue;
            }
            long gap = 0;
            long runs = 0;
            for (int c = 0; c < cycles; c++) {
                long g = longestGap(series[i], stopAt[c], contAt[c], false);
                cycleGap[c] = Math.max(cycleGap[c], g);
                gap = Math.max(gap, g);
                runs += Math.max(0, runsBetween(series[i], stopAt[c], contAt[c]));
            }
            long base = longestGap(series[i], TimeUnit.SECONDS.toNanos(2), stopAt[0], true);
            out.append(String.format(Locale.ROOT, "RESULT node%d_gap_ms %d%nRESULT node%d_baseline_gap_ms %d%nRESULT node%d_runs_during_stop %d%n",
                    i, gap / 1_000_000, i, base / 1_000_000, i, runs));
            worst = Math.max(worst, gap);
            baseline = Math.max(baseline, base);
        }
        StringBuilder gaps = new StringBuilder();
        for (int c = 0; c < cycles; c++) {
            gaps.append(c == 0 ? "" : ",").append(cycleGap[c] / 1_000_000);
        }
        out.append(String.format(Locale.ROOT, "RESULT stopped_node %d%nRESULT stops %d%nRESULT stop_s %.2f%nRESULT gaps_ms %s%n"
                        + "RESULT longest_gap_ms %d%nRESULT baseline_gap_ms %d%n",
                stopIndex, cycles, (contAt[0] - stopAt[0]) / 1e9, gaps, worst / 1_000_000, baseline / 1_000_000));
        System.out.print(out);
        System.out.flush();
        io.shutdownNow();
    }

    /**
     * The longest stretch, in nanoseconds since the start, between two samples that saw the counter move (the
     * first and the last sample count as such), among those that overlap [from, to) ({@code within}: that lie
     * wholly inside it).
     */
    static long longestGap(List<long[]> samples, long from, long to, boolean within) {
        List<Long> moves = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            if (i == 0 || i == samples.size() - 1 || samples.get(i)[1] > samples.get(i - 1)[1]) {
                moves.add(samples.get(i)[0]);
            }
        }
        long longest = 0;
        for (int i = 1; i < moves.size(); i++) {
            long a = moves.get(i - 1);
            long b = moves.get(i);
            boolean counts = within ? a >= from && b <= to : b > from && a < to;
            if (counts) {
                longest = Math.max(longest, b - a);
            }
        }
        return longest;
    }

    private static long runsBetween(List<long[]> samples, long from, long to) {
        long a = -1;
        long b = -1;
        for (long[] s : samples) {
            if (s[0] <= from) {
                a = s[1];
            }
            if (s[0] <= to) {
                b = s[1];
            }
        }
        return a < 0 || b < 0 ? -1 : b - a;
    }

    private static void signal(String sig, long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("kill -" + sig + " " + pid + " failed");
        }
    }

    private static void sleepUntil(long nanos) {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    /** One node's load: request i is due at start + i / rate; skipped (and counted) when in-flight is exhausted. */
    private static final class Load {
        final HttpClient http;
        final Secret secret;
        final URI url;
        final int rate;
        final Semaphore permits;
        final int inFlight;
        final long first;
        final int users;
        final long t0;
        final long end;
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();

        Load(HttpClient http, Secret secret, URI url, int rate, int inFlight, long first, int users, long t0, long end) {
            this.http = http;
            this.secret = secret;
            this.url = url;
            this.rate = rate;
            this.permits = new Semaphore(inFlight);
            this.inFlight = inFlight;
            this.first = first;
            this.users = users;
            this.t0 = t0;
            this.end = end;
        }

        void run() {
            for (long i = 0; ; i++) {
                long at = t0 + (long) (i * 1e9 / rate);
                if (at >= end) {
                    return;
                }
                sleepUntil(at);
                if (!permits.tryAcquire()) {
                    skipped.incrementAndGet();
                    continue;
                }
                byte[] body = Bodies.body(first + i, users);
                HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5))
                        .header("content-type", "application/json; charset=utf-8")
                        .header("x-line-signature", WebhookSignature.sign(secret, body))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                CompletableFuture<HttpResponse<Void>> f = http.sendAsync(req, HttpResponse.BodyHandlers.discarding());
                f.whenComplete((res, err) -> {
                    if (err == null && res.statusCode() == 200) {
                        ok.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                    permits.release();
                });
            }
        }

        void awaitAnswers(long nanos) throws InterruptedException {
            if (permits.tryAcquire(inFlight, nanos, TimeUnit.NANOSECONDS)) {
                permits.release(inFlight);
            }
        }
    }

    /** Every interval, each node's handler runs (GET /counts, "runs"), all nodes at once; a node that does not answer in time is left out of that round. */
    private static final class Sampler {
        final HttpClient http;
        final List<Integer> ports;
        final long intervalNanos;
        final long t0;
        final List<long[]>[] series;

        @SuppressWarnings("unchecked")
        Sampler(HttpClient http, List<Integer> ports, long intervalMs, long t0) {
            this.http = http;
            this.ports = ports;
            this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
            this.t0 = t0;
            this.series = new List[ports.size()];
            for (int i = 0; i < series.length; i++) {
                series[i] = new ArrayList<>();
            }
        }

        void run(long until) {
            for (long k = 0; ; k++) {
                long at = t0 + k * intervalNanos;
                if (at >= until) {
                    return;
                }
                sleepUntil(at);
                for (int i = 0; i < ports.size(); i++) {
                    int node = i;
                    http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(i) + "/counts"))
                                    .timeout(Duration.ofMillis(Math.max(50, intervalNanos / 1_000_000))).build(),
                            HttpResponse.BodyHandlers.ofString()).whenComplete((res, err) -> {
                                if (err == null && res.statusCode() == 200) {
                                    record(node, System.nanoTime() - t0, runs(res.body()));
                                }
                            });
                }
            }
        }

        private synchronized void record(int node, long at, long runs) {
            if (runs >= 0) {
                series[node].add(new long[] {at, runs});
            }
        }

        synchronized List<long[]>[] series() {
            @SuppressWarnings("unchecked")
            List<long[]>[] copy = new List[series.length];
            for (int i = 0; i < series.length; i++) {
                copy[i] = new ArrayList<>(series[i]);
                copy[i].sort((x, y) -> Long.compare(x[0], y[0]));
            }
            return copy;
        }

        private static long runs(String counts) {
            for (String line : counts.split("\n")) {
                if (line.startsWith("runs ")) {
                    return Long.parseLong(line.substring(5).trim());
                }
            }
            return -1;
        }
    }
}
