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
import java.util.ArrayList;
import java.util.List;
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
 *       With {@link Pages}, users chat meanwhile and chat page streams (issue 10) are open.
 *   <li>{@code emulator-push}: pushes with rate limits and spec validation off, a fixed number in flight.
 * </ul>
 * Sender, receiver and load driver share the machine's cores; the printed {@code RESULT key value}
 * lines are what bench/run.sh records.
 */
public final class EmulatorBench {
    private EmulatorBench() {}

    private static final byte[] EVENT_ID = "\"webhookEventId\"".getBytes(StandardCharsets.US_ASCII);
    /** What only the chatters' events carry (the load's are postbacks). */
    private static final byte[] CHAT = "\"hello from the page\"".getBytes(StandardCharsets.US_ASCII);

    /**
     * The chat page's share of the load: {@code chatters} users send a text message each every
     * {@code chatIntervalMs} through the control API (people chatting on the page), and
     * {@code pageClients} chat page streams are open, watching the chatters' chats or, with
     * {@code watchLoad}, the chats the load's events come from (every event and delivery then goes to
     * a page too: the worst case).
     */
    public record Pages(int clients, boolean watchLoad, int chatters, long chatIntervalMs) {
        public static final Pages NONE = new Pages(0, false, 0, 1000);
    }

    /**
     * {@code --events} measured [400000] after {@code --warmup} events [50000], {@code --batch} events per
     * control call [1000], {@code --per-request} events per webhook at most [1: one delivery per event],
     * {@code --protocol} for the plain-http receiver, h1c or h2c [h1c], {@code --queue-limit} the channel's
     * webhook queue bound [100000], {@code --seconds} bound [120], {@code --users} the users the load's
     * events come from in turn [1]; {@code --page-clients}, {@code --pages-watch} (chatters or load),
     * {@code --chatters}, {@code --chat-interval-ms}: see {@link Pages}.
     */
    public static void webhook(long events, long warmup, int batch, int perRequest, String protocol, int queueLimit,
            long seconds, int userCount, Pages pageLoad)
            throws Exception {
        AtomicLong requests = new AtomicLong();
        AtomicLong received = new AtomicLong();
        AtomicLong chatsReceived = new AtomicLong();
        Server bot = Server.builder().http(new InetSocketAddress("127.0.0.1", 0))
                .service("/callback", (ctx, req) -> HttpResponse.of(req.aggregate().thenApply(a -> {
                    requests.incrementAndGet();
                    byte[] body = a.content().array();
                    received.addAndGet(count(body));
                    if (pageLoad.chatters() > 0) {
                        chatsReceived.addAndGet(count(body, CHAT));
                    }
                    return HttpResponse.of(HttpStatus.OK);
                }))).build();
        bot.start().join();
        EmulatorConfig cfg = new EmulatorConfig();
        cfg.maxEventsPerWebhook = perRequest;
        cfg.plainHttpWebhookProtocol = protocol;
        cfg.webhookQueueLimit = queueLimit;
        java.util.concurrent.ScheduledExecutorService chat = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        List<PageClient> pages = new ArrayList<>();
        try (Emulator e = Emulator.builder().config(cfg).rateLimits(false)
                .webhookUrl("http://127.0.0.1:" + bot.activeLocalPort() + "/callback").build().start()) {
            WebClient control = WebClient.of(e.baseUrl());
            List<String> users = users(control, "L", Math.max(1, userCount));
            List<String> chatters = users(control, "C", pageLoad.chatters());
            byte[] body = eventsBody(users, batch);
            for (int i = 0; i < pageLoad.clients(); i++) {
                List<String> watched = pageLoad.watchLoad() || chatters.isEmpty() ? users : chatters;
                pages.add(new PageClient(e.port(), watched.get(i % watched.size())));
            }
            for (int i = 0; i < chatters.size(); i++) {
                String path = "/control/v1/users/" + chatters.get(i) + "/messages";
                byte[] text = ("{\"type\":\"text\",\"text\":\"hello from the page\"}").getBytes(StandardCharsets.UTF_8);
                // Spread over the interval, as people type.
                chat.scheduleAtFixedRate(() -> control.execute(json(path, text)).aggregate(),
                        pageLoad.chatIntervalMs() * i / chatters.size(), pageLoad.chatIntervalMs(), TimeUnit.MILLISECONDS);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            // The load's events, without the chatters' messages.
            java.util.function.LongSupplier loadReceived = () -> received.get() - chatsReceived.get();
            // Warm-up (the JIT), not measured: the same load until `warmup` events have arrived.
            drive(control, body, batch, warmup, loadReceived, deadline, new Sampler());
            requests.set(0);
            received.set(0);
            chatsReceived.set(0);
            pages.forEach(PageClient::reset);
            Sampler heap = new Sampler();
            Phase run = drive(control, body, batch, events, loadReceived, deadline, heap);
            long tEnd = System.nanoTime();
            double secs = (tEnd - run.start()) / 1e9;
            long drained = loadReceived.getAsLong() - run.receivedAtCreated();
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
            result("lost", run.created() - loadReceived.getAsLong());
            // Failed deliveries (a 2 s timeout under GC pauses, say) explain any loss: the platform's statistics.
            result("webhook_errors", post(control, "/control/v1/webhook-errors", null).path("total").asLong());
            if (loadReceived.getAsLong() != run.created()) {
                System.out.println("INCOMPLETE: " + loadReceived.getAsLong() + " of " + run.created() + " events arrived within " + seconds + " s");
            }
            if (pageLoad.chatters() > 0) {
                result("chat_messages", chatsReceived.get());
            }
            if (pageLoad.clients() > 0) {
                Thread.sleep(500); // the streams' last batches (written every 50 ms)
                result("page_clients", pageLoad.clients());
                result("page_clients_connected", pages.stream().filter(PageClient::connected).count());
                result("page_items", pages.stream().mapToLong(PageClient::items).sum());
                result("page_resyncs", pages.stream().mapToLong(PageClient::resyncs).sum());
                result("page_mib", pages.stream().mapToLong(PageClient::bytes).sum() / 1048576.0);
            }
        } finally {
            chat.shutdownNow();
            pages.forEach(PageClient::close);
            bot.close();
        }
    }

    private static List<String> users(WebClient control, String prefix, int n) throws Exception {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            users.add(post(control, "/control/v1/users", "{\"displayName\":\"" + prefix + i + "\"}").path("userId").asText());
        }
        return users;
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
    private static Phase drive(WebClient control, byte[] body, int batch, long events, java.util.function.LongSupplier received,
            long deadline, Sampler heap) throws Exception {
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
        long atCreated = received.getAsLong();
        // Until all arrived, or nothing arrives for 5 s (failed deliveries are not redelivered by default).
        long last = received.getAsLong();
        long lastChange = System.nanoTime();
        while (received.getAsLong() < created && System.nanoTime() < deadline && System.nanoTime() - lastChange < 5_000_000_000L) {
            Thread.sleep(1);
            heap.sample();
            if (received.getAsLong() != last) {
                last = received.getAsLong();
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
        return count(body, EVENT_ID);
    }

    /** Occurrences of {@code what} in {@code body}. */
    private static long count(byte[] body, byte[] what) {
        long n = 0;
        outer:
        for (int i = 0; i + what.length <= body.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (body[i + j] != what[j]) {
                    continue outer;
                }
            }
            n++;
            i += what.length - 1;
        }
        return n;
    }

    /** {@code n} postback events, from each of {@code users} in turn. */
    private static byte[] eventsBody(List<String> users, int n) {
        StringBuilder b = new StringBuilder("{\"events\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("{\"type\":\"postback\",\"postback\":{\"data\":\"").append(i)
                    .append("\"},\"source\":{\"type\":\"user\",\"userId\":\"").append(users.get(i % users.size())).append("\"}}");
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

    /**
     * A chat page tab: the server-sent-events stream of one user's chat over HTTP/1.1, read by a thread
     * that receives every byte and counts items, resyncs and bytes without decoding them (the load
     * generator shares the cores with the emulator: it should cost as little as it can).
     */
    private static final class PageClient {
        private static final byte[] SEQ = "\"seq\":".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] RESYNC = "event: resync".getBytes(StandardCharsets.US_ASCII);
        private final java.net.Socket socket;
        private final AtomicLong items = new AtomicLong();
        private final AtomicLong resyncs = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();
        private volatile boolean open = true;

        PageClient(int port, String userId) throws Exception {
            socket = new java.net.Socket("127.0.0.1", port);
            socket.getOutputStream().write(("GET /chat/v1/chats/" + userId + "/events HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            java.io.InputStream in = socket.getInputStream();
            byte[] head = new byte[12];
            if (in.readNBytes(head, 0, 12) < 12 || !new String(head, StandardCharsets.US_ASCII).equals("HTTP/1.1 200")) {
                throw new IllegalStateException("chat page stream refused: " + new String(head, StandardCharsets.US_ASCII));
            }
            Thread t = new Thread(() -> {
                byte[] buf = new byte[65536];
                try {
                    // An event is written whole, so a read seldom splits a marker; the counts are for a report.
                    for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                        bytes.addAndGet(n);
                        byte[] chunk = n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
                        items.addAndGet(count(chunk, SEQ));
                        resyncs.addAndGet(count(chunk, RESYNC));
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
                open = false;
            }, "page-client");
            t.setDaemon(true);
            t.start();
        }

        void reset() {
            items.set(0);
            resyncs.set(0);
            bytes.set(0);
        }

        boolean connected() {
            return open;
        }

        long items() {
            return items.get();
        }

        long resyncs() {
            return resyncs.get();
        }

        long bytes() {
            return bytes.get();
        }

        void close() {
            try {
                socket.close();
            } catch (java.io.IOException e) {
                // closed already
            }
        }
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
