package io.linegate.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;

/**
 * Counts handled events by webhookEventId: how many handler runs, how many distinct ids, how many
 * runs for an id already seen (duplicates). Served as text on {@code GET /counts} from a tiny JDK
 * HTTP server on its own loopback port, so the bench script can check "nothing lost, nothing twice".
 */
final class EventCounter {
    private final BitSet seen = new BitSet();
    private long runs;
    private long distinct;
    private long duplicates;
    private long foreign;
    private long lastAtMillis;

    synchronized void record(String webhookEventId) {
        runs++;
        lastAtMillis = System.currentTimeMillis();
        long n = Bodies.number(webhookEventId);
        if (n < 0 || n > Integer.MAX_VALUE - 1) {
            foreign++;
            return;
        }
        int i = (int) n;
        if (seen.get(i)) {
            duplicates++;
        } else {
            seen.set(i);
            distinct++;
        }
    }

    /** Distinct ids seen in [from, to). */
    synchronized long distinctIn(int from, int to) {
        return seen.get(from, to).cardinality();
    }

    synchronized String text(int from, int to) {
        StringBuilder sb = new StringBuilder();
        sb.append("runs ").append(runs).append('\n');
        sb.append("distinct ").append(distinct).append('\n');
        sb.append("duplicates ").append(duplicates).append('\n');
        sb.append("foreign ").append(foreign).append('\n');
        sb.append("last_at_ms ").append(lastAtMillis).append('\n');
        if (to > from) {
            sb.append("distinct_in_range ").append(seen.get(from, to).cardinality()).append('\n');
        }
        return sb.toString();
    }

    /** {@code GET /counts[?from=A&to=B]} on 127.0.0.1:port. */
    HttpServer serve(int port) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        http.createContext("/counts", ex -> {
            int from = 0;
            int to = 0;
            String q = ex.getRequestURI().getQuery();
            if (q != null) {
                for (String kv : q.split("&")) {
                    String[] p = kv.split("=", 2);
                    if (p.length == 2 && p[0].equals("from")) {
                        from = Integer.parseInt(p[1]);
                    } else if (p.length == 2 && p[0].equals("to")) {
                        to = Integer.parseInt(p[1]);
                    }
                }
            }
            byte[] out = text(from, to).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("content-type", "text/plain");
            ex.sendResponseHeaders(200, out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        });
        http.start();
        return http;
    }
}
