package io.linegate.bench;

import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The cluster benchmark's failover measure: kill -9 one node ({@code --kill-pid}), then send
 * {@code --events} events from as many users (so that every partition gets some) to the surviving
 * nodes ({@code --urls}, comma-separated), and time until the survivors ({@code --stats}, their
 * counter ports) have handled all of them: the events of the dead node's partitions wait until its
 * leases run out and a survivor takes them over. Run it with no backlog left, so that the time is the
 * takeover's and not the drain's.
 */
final class Takeover {
    private Takeover() {
    }

    static void run(Args a) throws Exception {
        long pid = a.lng("kill-pid", -1);
        List<URI> urls = new ArrayList<>();
        for (String u : a.str("urls", "").split(",")) {
            urls.add(URI.create(u));
        }
        List<Integer> stats = new ArrayList<>();
        for (String p : a.str("stats", "").split(",")) {
            stats.add(Integer.parseInt(p));
        }
        int events = a.integer("events", 640);
        int first = a.integer("first", 9_000_000);
        long timeoutS = a.lng("timeout", 120);
        Secret secret = Secret.of(Args.secret(), "BENCH_CHANNEL_SECRET");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        ProcessHandle victim = ProcessHandle.of(pid).orElseThrow(() -> new IllegalArgumentException("no process " + pid));
        long t0 = System.nanoTime();
        victim.destroyForcibly();
        victim.onExit().get();
        int acked = 0;
        for (int i = 0; i < events; i++) {
            byte[] body = Bodies.body(first + i, events, 0x7a4e0000L); // one new user per event, none with a backlog
            URI to = urls.get(i % urls.size());
            for (int attempt = 0; attempt < 10; attempt++) {
                HttpResponse<Void> res = http.send(HttpRequest.newBuilder(to).timeout(Duration.ofSeconds(5))
                                .header("x-line-signature", WebhookSignature.sign(secret, body))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (res.statusCode() == 200) {
                    acked++;
                    break;
                }
            }
        }
        double sentS = (System.nanoTime() - t0) / 1e9;
        long handled = 0;
        while ((System.nanoTime() - t0) / 1e9 < timeoutS) {
            handled = 0;
            for (int port : stats) {
                String counts = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/counts?from=" + first
                        + "&to=" + (first + events))).build(), HttpResponse.BodyHandlers.ofString()).body();
                for (String line : counts.split("\n")) {
                    if (line.startsWith("distinct_in_range ")) {
                        handled += Long.parseLong(line.substring(18).trim());
                    }
                }
            }
            if (handled >= acked) {
                break;
            }
            Thread.sleep(50);
        }
        double allS = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "acked %d%nhandled %d%nsent_s %.2f%ntakeover_s %.2f%n", acked, handled, sentS, allS);
    }
}
