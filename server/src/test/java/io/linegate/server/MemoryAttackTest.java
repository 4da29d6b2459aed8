package io.linegate.server;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpRequestWriter;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import io.linegate.core.WebhookSignature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weakness 1 of issue 9: bodies that are declared large and sent slowly, on many connections or
 * many HTTP/2 streams, before any signature is checked. The server runs in a child JVM with a
 * 256 MiB heap and {@code -XX:+ExitOnOutOfMemoryError} (600 bodies of 1 MiB would need more than
 * twice that heap); while the attack holds its connections open, {@code /health} and signed webhooks
 * are still answered 200, the excess gets 503 before its body is read, and the JVM never runs out of
 * memory. Without the budget of bodies in memory, the child dies of an OutOfMemoryError.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MemoryAttackTest {
    static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;
    Process child;
    Path childLog;
    final List<Socket> attackers = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    int[] start() throws Exception {
        Path portFile = dir.resolve("ports");
        childLog = dir.resolve("child.log");
        Files.createDirectories(dir.resolve("data"));
        child = ChildJvm.start(AttackTarget.class, childLog, List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"),
                dir.resolve("data").toString(), portFile.toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(portFile) || !child.isAlive());
        assertThat(child.isAlive()).as("child started").isTrue();
        String[] ports = Files.readString(portFile).trim().split(" ");
        return new int[] {Integer.parseInt(ports[0]), Integer.parseInt(ports[1])};
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : attackers) {
            s.close();
        }
        if (child != null) {
            child.destroy();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    /** 600 connections each declare 1 MiB and send all but its last byte. Returns the statuses the server answered. */
    Map<Integer, AtomicInteger> attackOverHttp1(int port, int connections) throws Exception {
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) ' ');
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            sent.add(CompletableFuture.runAsync(() -> {
                try {
                    Socket s = new Socket("127.0.0.1", port);
                    synchronized (attackers) {
                        attackers.add(s);
                    }
                    s.setSoTimeout(200);
                    OutputStream out = s.getOutputStream();
                    out.write(("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + MIB + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    int left = MIB - 1;
                    while (left > 0) {
                        int n = Math.min(left, chunk.length);
                        out.write(chunk, 0, n);
                        left -= n;
                    }
                    out.flush();
                } catch (IOException e) {
                    // refused early: the server answered and closed while we were still writing
                }
            }, pool));
        }
        CompletableFuture.allOf(sent.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
        pool.shutdown();
        for (Socket s : attackers) {
            statuses.computeIfAbsent(statusOf(s), k -> new AtomicInteger()).incrementAndGet();
        }
        return statuses;
    }

    /** The status the server answered on {@code s} so far, 0 for none yet. */
    static int statusOf(Socket s) {
        try {
            byte[] head = new byte[12];
            InputStream in = s.getInputStream();
            int n = in.readNBytes(head, 0, head.length);
            String line = new String(head, 0, n, StandardCharsets.ISO_8859_1);
            return line.startsWith("HTTP/1.1 ") ? Integer.parseInt(line.substring(9, 12)) : -1;
        } catch (SocketTimeoutException e) {
            return 0;
        } catch (IOException e) {
            return -1;
        }
    }

    /** One legitimate round: /health and a signed webhook, both must be 200. */
    void legitimateTrafficIsServed(int port) throws Exception {
        URI base = URI.create("http://127.0.0.1:" + port);
        HttpResponse<String> health = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/health"))  // fully qualified: Armeria's HttpRequest is imported
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        byte[] body = body(text(user(7), "legitimate during the attack"));
        HttpResponse<String> webhook = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/webhook"))  // fully qualified: Armeria's HttpRequest is imported
                .timeout(Duration.ofSeconds(5))
                .header("x-line-signature", WebhookSignature.sign(AttackTarget.SECRET, body))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());  // fully qualified: Armeria's HttpRequest is imported
        assertThat(webhook.statusCode()).as(webhook.body()).isEqualTo(200);
    }

    String metrics(int adminPort) throws Exception {
        return http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))  // fully qualified: Armeria's HttpRequest is imported
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    void assertNoOutOfMemory() throws IOException {
        assertThat(child.isAlive()).as("the server is alive; its log:\n" + tail()).isTrue();
        assertThat(Files.readString(childLog)).doesNotContain("OutOfMemoryError");
    }

    String tail() throws IOException {
        String log = Files.readString(childLog);
        return log.substring(Math.max(0, log.length() - 3000));
    }

    @Test
    void sixHundredSlowOneMebibyteBodiesGet503AndTheServerKeepsServing() throws Exception {
        int[] ports = start();
        legitimateTrafficIsServed(ports[0]);

        Map<Integer, AtomicInteger> statuses = attackOverHttp1(ports[0], 600);

        // While all 600 connections are held open, the server still answers.
        for (int i = 0; i < 10; i++) {
            legitimateTrafficIsServed(ports[0]);
            assertNoOutOfMemory();
        }
        assertThat(statuses.getOrDefault(503, new AtomicInteger()).get()).as("statuses %s", statuses).isGreaterThan(400);
        assertThat(statuses.keySet()).as("statuses %s", statuses).isSubsetOf(503, 408, 0);
        String metrics = metrics(ports[1]);
        assertThat(metrics).contains("linegate_requests_overloaded_total");

        for (Socket s : attackers) {
            s.close();
        }
        attackers.clear();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(metrics(ports[1])).contains("linegate_request_bodies_in_flight_bytes 0.0"));
        legitimateTrafficIsServed(ports[0]);
        assertNoOutOfMemory();
    }

    @Test
    void fiveHundredSlowHttp2StreamsGet503AndTheServerKeepsServing() throws Exception {
        int[] ports = start();
        List<HttpRequestWriter> writers = new ArrayList<>();
        List<CompletableFuture<AggregatedHttpResponse>> responses = new ArrayList<>();
        try (ClientFactory factory = ClientFactory.builder().build()) {
            WebClient h2c = WebClient.builder("h2c://127.0.0.1:" + ports[0]).factory(factory)
                    .responseTimeout(Duration.ZERO).writeTimeout(Duration.ZERO).maxResponseLength(0).build();
            for (int i = 0; i < 500; i++) {
                HttpRequestWriter req = HttpRequest.streaming(RequestHeaders.builder(HttpMethod.POST, "/webhook")
                        .contentType(MediaType.JSON).contentLength(MIB).build());
                writers.add(req);
                responses.add(h2c.execute(req).aggregate());
                sendSlowly(req, MIB - 1);
            }
            Thread.sleep(2000);
            for (int i = 0; i < 5; i++) {
                legitimateTrafficIsServed(ports[0]);
                assertNoOutOfMemory();
            }
            long overloaded = responses.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()
                    && f.join().status().code() == 503).count();
            assertThat(overloaded).as("streams answered 503 before their bodies were read").isGreaterThan(300);
            assertThat(responses).noneMatch(f -> f.isDone() && !f.isCompletedExceptionally()
                    && f.join().status().code() >= 500 && f.join().status().code() != 503);
            writers.forEach(w -> w.abort());
        }
        legitimateTrafficIsServed(ports[0]);
        assertNoOutOfMemory();
    }

    /** Writes {@code left} bytes in 16 KiB pieces, each once the previous one was taken: the client's memory stays flat. */
    static void sendSlowly(HttpRequestWriter req, int left) {
        if (left <= 0 || !req.isOpen()) {
            return;
        }
        int n = Math.min(left, 16 * 1024);
        if (req.tryWrite(HttpData.wrap(new byte[n]))) {
            req.whenConsumed().thenRun(() -> sendSlowly(req, left - n));
        }
    }
}
