package io.linegate.server;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.common.RequestHeaders;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import io.linegate.store.Store;
import io.linegate.webhook.Dispatcher;
import io.linegate.webhook.WebhookReceiver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms the acknowledgement path before a node takes traffic. A JVM that has just started interprets
 * its code, loads classes and compiles in the background, and on a small machine that work competes
 * with acknowledgement: a burst that meets a fresh node gets answers later than LINE's 2 seconds.
 *
 * <p>The warm-up runs the same path a webhook takes (TLS if the node uses it, the node's own listener
 * and Armeria pipeline with its decorators, the signature check, an append committed to a journal,
 * the answer) on synthetic webhooks over loopback. They carry a token known only to this process,
 * which routes them to a scratch SQLite store in a temporary directory removed afterwards, with a
 * dispatcher splitting and completing the events (its handler does nothing): nothing reaches the
 * node's own store or its bot, and without the token a request is refused like any other before
 * the node is ready. It sends rounds of requests
 * until a round's 99th percentile settles below {@link Settings#settledP99}, at least
 * {@link Settings#minimum} and at most {@link Settings#maximum} long.
 */
public final class WarmUp {
    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
    private static final int CONCURRENCY = 64;
    private static final int ROUND = 2_000;

    /** How long the warm-up may run, and when the path counts as warm. */
    record Settings(Duration minimum, Duration maximum, Duration settledP99) {
        static final Settings OFF = new Settings(Duration.ZERO, Duration.ZERO, Duration.ZERO);

        static Settings upTo(Duration maximum) {
            return new Settings(Duration.ZERO, maximum, Duration.ofMillis(10));
        }

        boolean off() {
            return maximum.isZero();
        }
    }

    /** What a warm-up did. */
    public record Result(int requests, int acknowledged, Duration took, Duration lastRoundP99, boolean settled) {
    }

    private WarmUp() {
    }

    /** The header that routes a warm-up request to the scratch path; its value is a token known only in this process. */
    public static final String HEADER = "x-linegate-warm-up";

    /** Marks a warm-up request, which the access log and the request meters leave out. */
    static final io.netty.util.AttributeKey<Boolean> REQUEST = io.netty.util.AttributeKey.valueOf(WarmUp.class, "REQUEST");

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
     * webhook path at {@code base}, over HTTP/1.1 (what LINE sends webhooks with); see the class comment. The node answers requests carrying the token
     * with the receiver {@code route} is given, and all others 503 until it is ready.
     */
    public static Result run(Duration maximum, URI base, String webhookPath, Route route) {
        return run(Settings.upTo(maximum), base, webhookPath, route, false);
    }

    /**
     * Runs the warm-up against the node's own listener at {@code base}: its event loops, decorators,
     * access path and error handling. Requests carrying the token are routed by {@code route} to a
     * receiver over the scratch store; the token is forgotten afterwards.
     */
    static Result run(Settings settings, URI base, String webhookPath, Route route, boolean http2) {
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
            try (ClientFactory factory = ClientFactory.builder().tlsNoVerify().build()) {
                // Both protocols LINE may use: a plain client would speak HTTP/2 only (its preface), and the
                // HTTP/1.1 decoding that LINE's webhooks take would meet the burst cold.
                boolean tls = "https".equalsIgnoreCase(base.getScheme());
                WebClient http1 = client(factory, base, tls ? SessionProtocol.H1 : SessionProtocol.H1C);
                List<WebClient> clients = http2
                        ? List.of(http1, client(factory, base, tls ? SessionProtocol.H2 : SessionProtocol.H2C))
                        : List.of(http1);
                return rounds(settings, clients, webhookPath, secret, token, start);
            } finally {
                route.install(null, null);
                dispatcher.close(Duration.ofSeconds(2));
            }
        } finally {
            delete(scratch);
        }
    }

    private static Secret random(String what) {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return Secret.of(HexFormat.of().formatHex(bytes), what);
    }

    private static WebClient client(ClientFactory factory, URI base, SessionProtocol protocol) {
        return WebClient.builder(protocol, com.linecorp.armeria.client.Endpoint.of(base.getHost(), base.getPort()))
                .factory(factory).responseTimeoutMillis(10_000).build();
    }

    /** Rounds alternate between the clients (HTTP/1.1 and HTTP/2), so that a settled pair covers both. */
    private static Result rounds(Settings settings, List<WebClient> clients, String path, Secret secret, Secret token,
                                 long start) {
        long minimum = start + settings.minimum().toNanos();
        long maximum = start + settings.maximum().toNanos();
        int requests = 0;
        java.util.concurrent.atomic.AtomicInteger acknowledged = new java.util.concurrent.atomic.AtomicInteger();
        long p99 = Long.MAX_VALUE;
        int settledRounds = 0;
        int round = 0;
        while (System.nanoTime() < maximum) {
            WebClient client = clients.get(round % clients.size());
            long[] latencies = round(client, path, secret, token, round++, maximum, acknowledged);
            requests += latencies.length;
            if (latencies.length == 0) {
                break;
            }
            Arrays.sort(latencies);
            p99 = latencies[(int) Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)];
            settledRounds = p99 <= settings.settledP99().toNanos() ? settledRounds + 1 : 0;
            if (settledRounds >= 2 && System.nanoTime() >= minimum) {
                break;
            }
        }
        Result result = new Result(requests, acknowledged.get(), Duration.ofNanos(System.nanoTime() - start),
                Duration.ofNanos(p99 == Long.MAX_VALUE ? 0 : p99), settledRounds >= 2);
        log.info("warm-up: {} webhooks ({} acknowledged) in {} ms, 99th percentile of the last round {} ms{}",
                result.requests(), result.acknowledged(), result.took().toMillis(), String.format("%.1f", result.lastRoundP99().toNanos() / 1e6),
                result.settled() ? "" : " (not settled; the warm-up's time ran out)");
        return result;
    }

    /**
     * One round of synthetic webhooks, {@value #CONCURRENCY} at a time; their latencies in nanoseconds.
     * Those answered 200 (acknowledged by the scratch store) are counted in {@code acknowledged}.
     */
    private static long[] round(WebClient client, String path, Secret secret, Secret token, int round, long deadline,
                                java.util.concurrent.atomic.AtomicInteger acknowledged) {
        long[] latencies = new long[ROUND];
        Semaphore inFlight = new Semaphore(CONCURRENCY);
        CompletableFuture<?>[] all = new CompletableFuture<?>[ROUND];
        int sent = 0;
        for (; sent < ROUND && System.nanoTime() < deadline; sent++) {
            inFlight.acquireUninterruptibly();
            byte[] body = body(round * ROUND + sent);
            RequestHeaders headers = RequestHeaders.builder(HttpMethod.POST, path).contentType(MediaType.JSON_UTF_8)
                    .add(WebhookSignature.HEADER, WebhookSignature.sign(secret, body))
                    .add(HEADER, token.reveal()).build();
            long t0 = System.nanoTime();
            int i = sent;
            all[i] = client.execute(HttpRequest.of(headers, com.linecorp.armeria.common.HttpData.wrap(body)))
                    .aggregate().handle((AggregatedHttpResponse r, Throwable e) -> {
                        latencies[i] = System.nanoTime() - t0;
                        if (r != null && r.status().code() == 200) {
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
