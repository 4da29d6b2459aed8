package io.linegate.bench.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.Server;
import io.linegate.core.Json;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.EmulatorConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The emulator's throughput, loopback only, bounded in count and time (issue 3):
 *
 * <ul>
 *   <li>{@code emulator-webhook}: signed webhook deliveries to a trivial receiver (an Armeria server in
 *       the same JVM that counts requests and events and answers 200), events created through the
 *       control API in batches. Reports deliveries (HTTP requests) per second and events per second.
 *   <li>{@code emulator-push}: pushes with rate limits and spec validation off, a fixed number in flight.
 * </ul>
 * Sender, receiver and load driver share the machine's cores; the printed {@code RESULT key value}
 * lines are what bench/run.sh records.
 */
public final class EmulatorBench {
    private EmulatorBench() {}

    private static final byte[] EVENT_ID = "\"webhookEventId\"".getBytes(StandardCharsets.US_ASCII);

    /**
     * {@code --events} measured [400000] after {@code --warmup} events [50000], {@code --batch} events per
     * control call [1000], {@code --per-request} events per webhook at most [1: one delivery per event],
     * {@code --protocol} for the plain-http receiver, h1c or h2c [h1c], {@code --queue-limit} the channel's
     * webhook queue bound [100000], {@code --seconds} bound [120].
     */
    public static void webhook(long events, long warmup, int batch, int perRequest, String protocol, int queueLimit,
            long seconds)
            throws Exception {
        AtomicLong requests = new AtomicLong();
        AtomicLong received = new AtomicLong();
        Server bot = Server.builder().http(new InetSocketAddress("127.0.0.1", 0))
                .service("/callback", (ctx, req) -> HttpResponse.of(req.aggregate().thenApply(a -> {
                    requests.incrementAndGet();
                    received.addAndGet(count(a.content().array()));
                    return HttpResponse.of(HttpStatus.OK);
                }))).build();
        bot.start().join();
        EmulatorConfig cfg = new EmulatorConfig();
        cfg.maxEventsPerWebhook = perRequest;
        cfg.plainHttpWebhookProtocol = protocol;
        cfg.webhookQueueLimit = queueLimit;
        try (Emulator e = Emulator.builder().config(cfg).rateLimits(false)
                .webhookUrl("http://127.0.0.1:" + bot.activeLocalPort() + "/callback").build().start()) {
            WebClient control = WebClient.of(e.baseUrl());
            String user = post(control, "/control/v1/users", "{\"displayName\":\"L\"}").path("userId").asText();
            byte[] body = eventsBody(user, batch);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            // Warm-up (the JIT), not measured: the same load until `warmup` events have arrived.
            drive(control, body, batch, warmup, received, deadline, new Sampler());
            requests.set(0);
            received.set(0);
            Sampler heap = new Sampler();
            Phase run = drive(control, body, batch, events, received, deadline, heap);
            long tEnd = System.nanoTime();
            double secs = (tEnd - run.start()) / 1e9;
            long drained = received.get() - run.receivedAtCreated();
            System.out.printf(Locale.ROOT, "created %d events in %.2f s (control calls refused with 503 and retried: %d)%n",
                    run.created(), (run.createdAt() - run.start()) / 1e9, run.refused());
            result("events", received.get());
            result("requests", requests.get());
            result("seconds", secs);
            result("events_per_s", received.get() / secs);
            result("requests_per_s", requests.get() / secs);
            result("events_per_request", (double) received.get() / Math.max(1, requests.get()));
            // After the last control call the sender works alone on the backlog: its own rate.
            result("drain_events", drained);
            result("drain_events_per_s", drained / Math.max(1e-9, (tEnd - run.createdAt()) / 1e9));
            result("max_heap_mib", heap.maxMib());
            result("lost", run.created() - received.get());
            // Failed deliveries (a 2 s timeout under GC pauses, say) explain any loss: the platform's statistics.
            result("webhook_errors", post(control, "/control/v1/webhook-errors", null).path("total").asLong());
            if (received.get() != run.created()) {
                System.out.println("INCOMPLETE: " + received.get() + " of " + run.created() + " events arrived within " + seconds + " s");
            }
        } finally {
            bot.close();
        }
    }

    /** {@code --requests} measured [400000] after {@code --warmup} [50000], {@code --in-flight} [128], {@code --seconds} bound [60]. */
    public static void push(long total, long warmup, int inFlight, long seconds) throws Exception {
        EmulatorConfig cfg = new EmulatorConfig();
        cfg.validateRequests = false;
        try (Emulator e = Emulator.builder().config(cfg).rateLimits(false).build().start();
                ClientFactory factory = ClientFactory.builder().build()) {
            WebClient client = WebClient.builder(e.baseUrl()).factory(factory).responseTimeout(Duration.ofSeconds(30)).build();
            String user = post(client, "/control/v1/users", "{\"displayName\":\"P\"}").path("userId").asText();
            post(client, "/control/v1/users/" + user + "/follow", "");
            byte[] body = ("{\"to\":\"" + user + "\",\"messages\":[{\"type\":\"text\",\"text\":\"hello\"}]}").getBytes(StandardCharsets.UTF_8);
            String auth = "Bearer " + e.defaultChannel().accessToken();
            pushes(client, body, auth, warmup, inFlight, seconds, new Sampler()); // the JIT's warm-up, not measured
            Sampler heap = new Sampler();
            long t0 = System.nanoTime();
            long[] okFailed = pushes(client, body, auth, total, inFlight, seconds, heap);
            double secs = (System.nanoTime() - t0) / 1e9;
            result("requests", okFailed[0]);
            result("failed", okFailed[1]);
            result("seconds", secs);
            result("requests_per_s", okFailed[0] / secs);
            result("max_heap_mib", heap.maxMib());
        }
    }

    /** {@code total} pushes with {@code inFlight} outstanding, bounded by {@code seconds}: {ok, failed}. */
    private static long[] pushes(WebClient client, byte[] body, String auth, long total, int inFlight, long seconds,
            Sampler heap) throws InterruptedException {
        Semaphore window = new Semaphore(inFlight);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (long i = 0; i < total && System.nanoTime() < deadline; i++) {
            window.acquire();
            RequestHeaders h = RequestHeaders.builder(HttpMethod.POST, "/v2/bot/message/push")
                    .contentType(MediaType.JSON).add("authorization", auth).build();
            client.execute(HttpRequest.of(h, HttpData.wrap(body))).aggregate().whenComplete((r, t) -> {
                (r != null && r.status().code() == 200 ? ok : failed).incrementAndGet();
                window.release();
            });
            if ((i & 1023) == 0) {
                heap.sample();
            }
        }
        window.acquire(inFlight);
        return new long[] {ok.get(), failed.get()};
    }

    private record Phase(long start, long created, long refused, long createdAt, long receivedAtCreated) {}

    /** Creates {@code events} through the control API (waiting on 503s), then waits until all have arrived. */
    private static Phase drive(WebClient control, byte[] body, int batch, long events, AtomicLong received, long deadline,
            Sampler heap) throws Exception {
        long t0 = System.nanoTime();
        long created = 0;
        long refused = 0;
        while (created < events && System.nanoTime() < deadline) {
            AggregatedHttpResponse r = control.execute(json("/control/v1/events", body)).aggregate().join();
            heap.sample();
            if (r.status().code() == 503) { // the queue bound: wait for the sender to catch up
                refused++;
                Thread.sleep(2);
                continue;
            }
            if (r.status().code() != 200) {
                throw new IllegalStateException("control API: " + r.status() + " " + r.contentUtf8());
            }
            created += batch;
        }
        long createdAt = System.nanoTime();
        long atCreated = received.get();
        // Until all arrived, or nothing arrives for 5 s (failed deliveries are not redelivered by default).
        long last = received.get();
        long lastChange = System.nanoTime();
        while (received.get() < created && System.nanoTime() < deadline && System.nanoTime() - lastChange < 5_000_000_000L) {
            Thread.sleep(1);
            heap.sample();
            if (received.get() != last) {
                last = received.get();
                lastChange = System.nanoTime();
            }
        }
        return new Phase(t0, created, refused, createdAt, atCreated);
    }

    /** {@code RESULT key value}: what bench/run.sh reads (promtool.py kv). */
    private static void result(String key, double value) {
        System.out.println(value == Math.rint(value) ? "RESULT " + key + " " + (long) value
                : String.format(Locale.ROOT, "RESULT %s %.2f", key, value));
    }

    private static long count(byte[] body) {
        long n = 0;
        outer:
        for (int i = 0; i + EVENT_ID.length <= body.length; i++) {
            for (int j = 0; j < EVENT_ID.length; j++) {
                if (body[i + j] != EVENT_ID[j]) {
                    continue outer;
                }
            }
            n++;
            i += EVENT_ID.length - 1;
        }
        return n;
    }

    private static byte[] eventsBody(String user, int n) {
        StringBuilder b = new StringBuilder("{\"events\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("{\"type\":\"postback\",\"postback\":{\"data\":\"").append(i)
                    .append("\"},\"source\":{\"type\":\"user\",\"userId\":\"").append(user).append("\"}}");
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static HttpRequest json(String path, byte[] body) {
        return HttpRequest.of(RequestHeaders.builder(HttpMethod.POST, path).contentType(MediaType.JSON).build(), HttpData.wrap(body));
    }

    /** POST {@code body}, or GET when it is null. */
    private static JsonNode post(WebClient c, String path, String body) throws Exception {
        AggregatedHttpResponse r = (body == null ? c.get(path) : c.execute(json(path, body.getBytes(StandardCharsets.UTF_8)))).aggregate().join();
        return Json.mapper().readTree(r.contentUtf8().isEmpty() ? "{}" : r.contentUtf8());
    }

    /** Heap used (garbage included), sampled at most every 100 ms: run with -Xmx to show the bound holds. */
    private static final class Sampler {
        private final MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        private long max;
        private long last;

        void sample() {
            long now = System.nanoTime();
            if (now - last > 100_000_000L) {
                last = now;
                max = Math.max(max, mem.getHeapMemoryUsage().getUsed());
            }
        }

        double maxMib() {
            return max / 1048576.0;
        }
    }
}
