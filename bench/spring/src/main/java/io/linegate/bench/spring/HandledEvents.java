package io.linegate.bench.spring;

import com.sun.net.httpserver.HttpServer;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Handler runs by webhookEventId (the bench's ids end in a number, so a bit set, not a map), served as
 * text on {@code GET /counts} from a JDK HTTP server on {@code 127.0.0.1:bench.stats-port}, in the
 * format of the other bench bots' counters ({@code runs}, {@code distinct}, {@code duplicates},
 * {@code foreign}), so that bench/run.sh reads it the same way. Apart from the application's own
 * server so that reading it never queues behind webhooks.
 */
@Component
public class HandledEvents {
    private static final String ID_PREFIX = "01BENCH"; // io.linegate.bench.Bodies: "01BENCH" + 19 digits
    private final BitSet seen = new BitSet();
    private long runs;
    private long distinct;
    private long duplicates;
    private long foreign;
    private final HttpServer http;

    public HandledEvents(@Value("${bench.stats-port:18093}") int port) throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        http.createContext("/counts", ex -> {
            byte[] out = text().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("content-type", "text/plain");
            ex.sendResponseHeaders(200, out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        });
        http.start();
    }

    synchronized void record(String webhookEventId) {
        runs++;
        int n = number(webhookEventId);
        if (n < 0) {
            foreign++;
        } else if (seen.get(n)) {
            duplicates++;
        } else {
            seen.set(n);
            distinct++;
        }
    }

    synchronized String text() {
        return "runs " + runs + "\ndistinct " + distinct + "\nduplicates " + duplicates + "\nforeign " + foreign + "\n";
    }

    private static int number(String id) {
        if (id == null || id.length() != 26 || !id.startsWith(ID_PREFIX)) {
            return -1;
        }
        try {
            long n = Long.parseLong(id.substring(ID_PREFIX.length()));
            return n < Integer.MAX_VALUE ? (int) n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @PreDestroy
    void stop() {
        http.stop(0);
    }
}
