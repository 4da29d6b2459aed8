package io.linegate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Hostile traffic as {@code linegate serve} handles it, in a real Tomcat on a random port: bodies that
 * declare 1 MiB and stop one byte short hold neither threads nor, past the request timeout, memory;
 * while they are held, signed webhooks are still answered 200.
 */
@SpringBootTest(classes = HeldBodiesStarterTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HeldBodiesStarterTest {
    static final String SECRET = "held-bodies-test-secret-01234567";
    static final int MIB = 1024 * 1024;
    /** More than the 64 MiB budget of bodies in memory, and far more than the container's threads. */
    static final int HELD = 80;

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) throws IOException {
        String store = "sqlite:" + Files.createTempDirectory("linegate-held-bodies");
        r.add("line.bot.channel-secret", () -> SECRET);
        r.add("linegate.store", () -> store);
        r.add("linegate.warm-up", () -> "0s");
        r.add("linegate.request-timeout", () -> "4s");
        r.add("server.tomcat.threads.max", () -> "16");
    }

    @Value("${local.server.port}")
    int port;
    @Autowired
    MeterRegistry registry;

    @Test
    void heldBodiesGet408AfterTheRequestTimeoutGiveTheirMemoryBackAndSignedWebhooksAreStillAnswered200() throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(HELD);
        List<Socket> sockets = new ArrayList<>();
        try {
            long started = System.nanoTime();
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < HELD; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(20_000);
                sockets.add(socket);
                writes.add(writers.submit(() -> {
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST /callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "x-line-signature: AAAA\r\nContent-Length: " + MIB + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(new byte[MIB - 1]); // one byte short, and then nothing
                    out.flush();
                    return null;
                }));
            }
            // The budget fills (large bodies may take seven eighths of it: 56 MiB).
            await().atMost(Duration.ofSeconds(3)).until(() -> inFlight() >= 48.0 * MIB);

            for (int i = 0; i < 5; i++) {
                byte[] body = Webhooks.text("Uunderattack", "still here " + i);
                assertThat(Webhooks.signedPost("http://127.0.0.1:" + port + "/callback", body, SECRET).statusCode())
                        .as("a signed webhook while the bodies are held").isEqualTo(200);
            }
            assertThat(System.nanoTime() - started).as("answered while the bodies were held")
                    .isLessThan(TimeUnit.SECONDS.toNanos(4));

            int timedOut = 0;
            for (Socket socket : sockets) {
                String status = statusLine(socket.getInputStream());
                assertThat(status).as("every held body is answered").matches("HTTP/1.1 (408|503) .*");
                if (status.startsWith("HTTP/1.1 408")) {
                    timedOut++;
                }
            }
            assertThat(timedOut).as("the bodies that had memory were answered 408").isGreaterThanOrEqualTo(48);
            assertThat(System.nanoTime() - started).as("after the request timeout").isGreaterThan(TimeUnit.SECONDS.toNanos(4));
            await().atMost(Duration.ofSeconds(5)).until(() -> inFlight() == 0.0);
            writes.forEach(f -> f.cancel(true));
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            writers.shutdownNow();
        }
    }

    private double inFlight() {
        return registry.find("linegate.request.bodies.in.flight").gauge().value();
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\r' && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString();
    }
}
