package io.linegate.runtime;

import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import io.linegate.store.Store;
import io.linegate.webhook.Dispatcher;
import io.linegate.webhook.WebhookReceiver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms the acknowledgement path before a node takes traffic. A JVM that has just started interprets
 * its code, loads classes and compiles in the background, and on a small machine that work competes
 * with acknowledgement: a burst that meets a fresh node gets answers later than LINE's 2 seconds.
 *
 * <p>The warm-up runs the same path a webhook takes (TLS if the node uses it, the node's own listener
 * and its host's pipeline, the signature check, an append committed to a journal, the answer) on
 * synthetic webhooks over loopback, sent by the host's {@link Client}s (the Armeria host speaks
 * HTTP/1.1 and HTTP/2 through Armeria's client; another host gets the JDK's HTTP/1.1 client). They carry a token known only to this process,
 * which routes them to a scratch SQLite store in a temporary directory removed afterwards, with a
 * dispatcher splitting and completing the events (its handler does nothing): nothing reaches the
 * node's own store or its bot, and without the token a request is refused like any other before
 * the node is ready. It sends rounds of requests
 * until the path is warm, as {@link Settling} decides (the 99th percentile at or under
 * {@link Settings#settledP99}, or no longer falling once the JVM has stopped compiling, which is as
 * fast as a slow or busy machine goes), at least {@link Settings#minimum} and at most
 * {@link Settings#maximum} long, or up to {@link Settings#overtime} while the JIT is still compiling. Its
 * log line says which, or that the time ran out.
 */
public final class WarmUp {
    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
    private static final int CONCURRENCY = 64;
    private static final int ROUND = 2_000;

    /**
     * How long the warm-up may run, and when the path counts as warm: at least {@code minimum}; at
     * most {@code maximum}, or up to {@code overtime} if the JIT compilers are still busy then (on a slow
     * machine they are, and the path is still getting faster: stopping there would open a cold node).
     */
    public record Settings(Duration minimum, Duration maximum, Duration settledP99, Duration overtime) {
        public static final Settings OFF = new Settings(Duration.ZERO, Duration.ZERO, Duration.ZERO);
        /** How much longer than its limit a warm-up may run while the JIT is still compiling. */
        public static final int OVERTIME_FACTOR = 3;

        public Settings {
            if (overtime.compareTo(maximum) < 0) {
                throw new IllegalArgumentException("the warm-up's overtime " + overtime + " is shorter than its limit " + maximum);
            }
        }

        /** Without overtime: the warm-up ends at {@code maximum} whatever the JIT does. */
        public Settings(Duration minimum, Duration maximum, Duration settledP99) {
            this(minimum, maximum, settledP99, maximum);
        }

        /** A node's warm-up: {@code maximum} long at most, or {@value #OVERTIME_FACTOR} times that while the JIT is still compiling. */
        public static Settings upTo(Duration maximum) {
            return new Settings(Duration.ZERO, maximum, Duration.ofMillis(10), maximum.multipliedBy(OVERTIME_FACTOR));
        }

        public boolean off() {
            return maximum.isZero();
        }
    }

    /** Sends one synthetic webhook to the node: a POST of {@code body} with {@code headers}; completes with the status. */
    @FunctionalInterface
    public interface Client {
        CompletableFuture<Integer> post(String path, Map<String, String> headers, byte[] body);
    }

    /** What a warm-up did. */
    public record Result(int requests, int acknowledged, Duration took, Duration lastRoundP99, boolean settled, String why) {
    }

    private WarmUp() {
    }

    /** The header that routes a warm-up request to the scratch path; its value is a token known only in this process. */
    public static final String HEADER = "x-linegate-warm-up";

    /** Where the node sends requests that carry the warm-up token while it warms up. */
    public interface Route {
        /**
         * Sends webhooks with {@code token} in {@link #HEADER} to {@code scratch}, a receiver over the
         * scratch store, through the node's own webhook path; both null: no more.
         */
        void install(Secret token, WebhookReceiver scratch);
    }

    /**
     * Warms a node hosted elsewhere (a servlet container, say) for at most {@code maximum}, through its
     * webhook path at {@code base}, over HTTP/1.1 (what LINE sends webhooks with) with the JDK's client;
     * see the class comment. The node answers requests carrying the token with the receiver
     * {@code route} is given, and all others 503 until it is ready.
     */
    public static Result run(Duration maximum, URI base, String webhookPath, Route route) {
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "linegate-warm-up-client");
            t.setDaemon(true);
            return t;
        });
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trustingLoopback())
                    .connectTimeout(Duration.ofSeconds(5)).executor(executor).build();
            Client client = (path, headers, body) -> {
                HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                headers.forEach(request::header);
                return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
            };
            return run(Settings.upTo(maximum), List.of(client), webhookPath, route);
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * Runs the warm-up through {@code clients} (rounds alternate between them, so that a settled pair
     * covers each protocol). Requests carrying the token are routed by {@code route} to a receiver over
     * the scratch store; the token is forgotten afterwards.
     */
    public static Result run(Settings settings, List<Client> clients, String webhookPath, Route route) {
        long start = System.nanoTime();
        Path scratch;
        try {
            scratch = Files.createTempDirectory("linegate-warm-up");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the warm-up's scratch directory", e);
        }
        Secret secret = random("warm-up secret");
        Secret token = random("warm-up token");
        try (Store store = Store.open("sqlite:" + scratch)) {
            // The dispatcher's side too (split, parse, load, done-marks), with a handler that does nothing:
            // once traffic comes, it runs beside the acknowledgements and would otherwise compile meanwhile.
            Dispatcher dispatcher = Dispatcher.builder(store, ctx -> { }).registry(new SimpleMeterRegistry()).build();
            dispatcher.start();
            WebhookReceiver receiver = new WebhookReceiver(WebhookSignature.of(secret), store.journal(),
                    dispatcher::appended, Clock.systemUTC()).ackDeadline(Duration.ofSeconds(5), new SimpleMeterRegistry());
            route.install(token, receiver);
            try {
                return rounds(settings, clients, webhookPath, secret, token, start);
            } finally {
                route.install(null, null);
                dispatcher.close(Duration.ofSeconds(2));
            }
        } finally {
            delete(scratch);
        }
    }

    /** The warm-up talks to this node over loopback only: its own certificate, possibly self-signed, is accepted. */
    private static SSLContext trustingLoopback() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
                @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
                @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            }}, new SecureRandom());
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("no TLS context for the warm-up", e);
        }
    }

    private static Secret random(String what) {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return Secret.of(HexFormat.of().formatHex(bytes), what);
    }

    /** Rounds alternate between the clients (HTTP/1.1 and HTTP/2), so that a settled pair covers both. */
    private static Result rounds(Settings settings, List<Client> clients, String path, Secret secret, Secret token,
                                 long start) {
        long minimum = start + settings.minimum().toNanos();
        long maximum = start + settings.maximum().toNanos();
        long overtime = start + settings.overtime().toNanos();
        int requests = 0;
        AtomicInteger acknowledged = new AtomicInteger();
        Settling settling = new Settling(settings.settledP99());
        Settling.Verdict verdict = Settling.Verdict.GO_ON;
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        int round = 0;
        boolean overtimeUsed = false;
        while (System.nanoTime() < maximum || System.nanoTime() < overtime && settling.recentlyCompiling()) {
            Client client = clients.get(round % clients.size());
            long roundStart = System.nanoTime();
            long compiledBefore = jitTimed ? jit.getTotalCompilationTime() : 0;
            boolean inOvertime = roundStart >= maximum;
            overtimeUsed |= inOvertime;
            long[] latencies = round(client, path, secret, token, round++, inOvertime ? overtime : maximum, acknowledged);
            requests += latencies.length;
            if (latencies.length == 0) {
                break;
            }
            long compiling = jitTimed ? TimeUnit.MILLISECONDS.toNanos(jit.getTotalCompilationTime() - compiledBefore) : -1;
            Arrays.sort(latencies);
            long p99 = latencies[(int) Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)];
            long took = System.nanoTime() - roundStart;
            verdict = settling.round(p99, took, compiling);
            if (log.isDebugEnabled()) {
                log.debug("warm-up round {}: {} webhooks in {} ms, 99th percentile {} ms, JIT compiling {} ms: {}", round, latencies.length,
                        TimeUnit.NANOSECONDS.toMillis(took), TimeUnit.NANOSECONDS.toMillis(p99), TimeUnit.NANOSECONDS.toMillis(compiling), verdict);
            }
            if (verdict != Settling.Verdict.GO_ON && System.nanoTime() >= minimum) {
                break;
            }
        }
        long lastP99 = settling.lastP99();
        boolean settled = verdict != Settling.Verdict.GO_ON;
        long end = System.nanoTime();
        String why = settling.why(verdict);
        if (overtimeUsed) {
            why += String.format(Locale.ROOT, settling.recentlyCompiling()
                    ? "; the JIT was compiling at its limit of %2$d ms, and it ran %1$d ms past it, to its overtime,"
                            + " with the JIT still compiling"
                    : "; the JIT was compiling at its limit of %2$d ms, and it ran %1$d ms past it, until the JIT had"
                            + " been quiet for " + Settling.STEADY_ROUNDS + " rounds",
                    TimeUnit.NANOSECONDS.toMillis(end - maximum), settings.maximum().toMillis());
        }
        Result result = new Result(requests, acknowledged.get(), Duration.ofNanos(end - start),
                Duration.ofNanos(Math.max(0, lastP99)), settled, why);
        log.info("warm-up: {} webhooks ({} acknowledged) in {} ms, 99th percentile of the last round {} ms; {}",
                result.requests(), result.acknowledged(), result.took().toMillis(), String.format("%.1f", result.lastRoundP99().toNanos() / 1e6),
                result.why());
        return result;
    }

    /**
     * One round of synthetic webhooks, {@value #CONCURRENCY} at a time; their latencies in nanoseconds.
     * Those answered 200 (acknowledged by the scratch store) are counted in {@code acknowledged}.
     */
    private static long[] round(Client client, String path, Secret secret, Secret token, int round, long deadline,
                                AtomicInteger acknowledged) {
        long[] latencies = new long[ROUND];
        Semaphore inFlight = new Semaphore(CONCURRENCY);
        CompletableFuture<?>[] all = new CompletableFuture<?>[ROUND];
        int sent = 0;
        for (; sent < ROUND && System.nanoTime() < deadline; sent++) {
            inFlight.acquireUninterruptibly();
            byte[] body = body(round * ROUND + sent);
            Map<String, String> headers = Map.of("content-type", "application/json; charset=utf-8",
                    WebhookSignature.HEADER, WebhookSignature.sign(secret, body), HEADER, token.reveal());
            long t0 = System.nanoTime();
            int i = sent;
            CompletableFuture<Integer> status;
            try {
                status = client.post(path, headers, body);
            } catch (RuntimeException e) {
                status = CompletableFuture.failedFuture(e);
            }
            all[i] = status.handle((code, e) -> {
                latencies[i] = System.nanoTime() - t0;
                if (code != null && code == 200) {
                    acknowledged.incrementAndGet();
                }
                inFlight.release();
                return null;
            });
        }
        CompletableFuture.allOf(Arrays.copyOf(all, sent)).orTimeout(30, TimeUnit.SECONDS)
                .exceptionally(e -> null).join();
        return Arrays.copyOf(latencies, sent);
    }

    /** A webhook as LINE sends one: a text message from a user. */
    private static byte[] body(int n) {
        String id = String.format("01WARMUP%018d", n);
        return ("{\"destination\":\"Uwarmup0000000000000000000000000\",\"events\":[{\"type\":\"message\","
                + "\"message\":{\"type\":\"text\",\"id\":\"" + (100000000 + n) + "\",\"quoteToken\":\"q" + n
                + "\",\"text\":\"warm-up " + n + "\"},\"webhookEventId\":\"" + id + "\",\"deliveryContext\":"
                + "{\"isRedelivery\":false},\"timestamp\":" + System.currentTimeMillis() + ",\"source\":{\"type\":"
                + "\"user\",\"userId\":\"U" + String.format("%032x", n % 64) + "\"},\"replyToken\":\"r" + n
                + "\",\"mode\":\"active\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.debug("could not delete {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            log.warn("could not remove the warm-up's scratch directory {}", dir, e);
        }
    }
}
