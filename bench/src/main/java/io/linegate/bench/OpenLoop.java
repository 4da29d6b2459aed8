package io.linegate.bench;

import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Open-loop load at a fixed rate, in the manner of wrk2: {@code --connections} keep-alive HTTP/1.1
 * connections over loopback, request i is due at {@code start + i / rate} and goes on connection
 * {@code i % connections}. Latency is measured from the intended time, not from the actual send, so
 * a server that stalls is charged for every request it delayed (no coordinated omission). Each
 * request carries a new event id ({@code --first} + i). Bounded in count ({@code rate * duration})
 * and in time (socket timeouts).
 */
final class OpenLoop {
    private OpenLoop() {
    }

    static void run(Args a) throws Exception {
        URI url = URI.create(a.str("url", "http://127.0.0.1:18080/webhook"));
        if (!"127.0.0.1".equals(url.getHost())) {
            throw new IllegalArgumentException("loopback only: " + url);
        }
        int rate = a.integer("rate", 1000);
        int seconds = a.integer("duration", 10);
        long first = a.lng("first", 1_000_000);
        int users = a.integer("users", 10_000);
        int connections = a.integer("connections", 64);
        int timeoutMs = a.integer("timeout-ms", 30_000);
        int warmupSeconds = a.integer("warmup", 0);
        long warmupFirst = a.lng("warmup-first", 3_000_000);
        // "events": warm-up webhooks carry one event each (they add to the handlers' backlog);
        // "empty": they are Verify-button webhooks ({"events":[]}) that take the whole acknowledgement
        // path (HMAC, journal append, fsync) but give the handlers nothing to do.
        boolean emptyWarmup = a.str("warmup-kind", "events").equals("empty");
        long measured = (long) rate * seconds;
        long warm = (long) rate * warmupSeconds;
        long total = warm + measured;
        Secret secret = Secret.of(Args.secret(), "BENCH_CHANNEL_SECRET");

        Histogram all = new Histogram(TimeUnit.SECONDS.toMicros(300), 3);
        Histogram warmHist = new Histogram(TimeUnit.SECONDS.toMicros(300), 3);
        Recorder interval = new Recorder(TimeUnit.SECONDS.toMicros(300), 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong non200 = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong done = new AtomicLong();
        AtomicLong warmupFailures = new AtomicLong();
        double periodNs = 1e9 / rate;

        List<Socket> sockets = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.setSoTimeout(timeoutMs);
            s.connect(new InetSocketAddress("127.0.0.1", url.getPort()), timeoutMs);
            sockets.add(s);
        }
        // Requests are built and signed before the clock starts, so that the driver's own work (and
        // its JIT warm-up) does not delay sends during the measurement.
        byte[] head1 = ("POST " + url.getPath() + " HTTP/1.1\r\nHost: 127.0.0.1:" + url.getPort()
                + "\r\nContent-Type: application/json; charset=utf-8\r\nx-line-signature: ")
                .getBytes(StandardCharsets.US_ASCII);
        byte[][] requests = new byte[Math.toIntExact(total)][];
        for (int i = 0; i < total; i++) {
            byte[] body = i < warm
                    ? (emptyWarmup ? Bodies.verify() : Bodies.body(warmupFirst + i, users))
                    : Bodies.body(first + (i - warm), users);
            String sig = WebhookSignature.sign(secret, body);
            byte[] head2 = (sig + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] req = new byte[head1.length + head2.length + body.length];
            System.arraycopy(head1, 0, req, 0, head1.length);
            System.arraycopy(head2, 0, req, head1.length, head2.length);
            System.arraycopy(body, 0, req, head1.length + head2.length, body.length);
            requests[i] = req;
        }
        System.out.printf("openloop: %d req/s, warm-up %d s (ids from %d, not measured), then %d s = %d requests"
                + " (ids from %d) on %d connections to %s%n",
                rate, warmupSeconds, warmupFirst, seconds, measured, first, connections, url);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            final int conn = c;
            Thread t = new Thread(() -> {
                Socket s = sockets.get(conn);
                try (s) {
                    OutputStream out = s.getOutputStream();
                    InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
                    for (long i = conn; i < total; i += connections) {
                        long intended = start + (long) (i * periodNs);
                        long now;
                        while ((now = System.nanoTime()) < intended) {
                            LockSupport.parkNanos(intended - now);
                        }
                        byte[] req = requests[(int) i];
                        requests[(int) i] = null;
                        out.write(req);
                        out.flush();
                        int status = readResponse(in);
                        if (i < warm) {
                            long wm = Math.min(Math.max(1, (System.nanoTime() - intended) / 1000),
                                    warmHist.getHighestTrackableValue());
                            synchronized (warmHist) {
                                warmHist.recordValue(wm);
                            }
                            if (status != 200) {
                                warmupFailures.incrementAndGet();
                            }
                            continue;
                        }
                        long micros = Math.max(1, (System.nanoTime() - intended) / 1000);
                        micros = Math.min(micros, all.getHighestTrackableValue());
                        synchronized (all) {
                            all.recordValue(micros);
                        }
                        interval.recordValue(micros);
                        (status == 200 ? ok : non200).incrementAndGet();
                        done.incrementAndGet();
                    }
                } catch (IOException | RuntimeException e) {
                    errors.incrementAndGet();
                    System.out.println("connection " + conn + " failed: " + e);
                }
            }, "openloop-" + c);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        // Progress every 5 s while the threads run; bounded by the schedule plus the timeout.
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds + warmupSeconds) + TimeUnit.MILLISECONDS.toNanos(timeoutMs) * 2;
        Histogram reportHist = null;
        long measureStart = start + (long) (warm * periodNs);
        long nextReport = measureStart + TimeUnit.SECONDS.toNanos(5);
        while (threads.stream().anyMatch(Thread::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            long now = System.nanoTime();
            if (now >= nextReport) {
                reportHist = interval.getIntervalHistogram(reportHist);
                System.out.printf("  t=%3ds answered=%d last5s: n=%d p50=%.1fms p99=%.1fms max=%.1fms%n",
                        TimeUnit.NANOSECONDS.toSeconds(now - measureStart), done.get(), reportHist.getTotalCount(),
                        reportHist.getValueAtPercentile(50) / 1000.0, reportHist.getValueAtPercentile(99) / 1000.0,
                        reportHist.getMaxValue() / 1000.0);
                nextReport += TimeUnit.SECONDS.toNanos(5);
            }
        }
        double elapsed = (System.nanoTime() - measureStart) / 1e9;
        synchronized (all) {
            System.out.println("RESULT warmup_sent " + warm);
            System.out.println("RESULT warmup_failures " + warmupFailures.get());
            System.out.println("RESULT sent " + measured);
            System.out.println("RESULT ok " + ok.get());
            System.out.println("RESULT non200 " + non200.get());
            System.out.println("RESULT errors " + errors.get());
            System.out.println("RESULT unanswered " + (measured - done.get()));
            System.out.println("RESULT first_id " + first);
            System.out.println("RESULT end_id " + (first + measured));
            System.out.printf("RESULT achieved_rps %.0f%n", done.get() / elapsed);
            System.out.printf("RESULT p50_ms %.2f%n", all.getValueAtPercentile(50) / 1000.0);
            System.out.printf("RESULT p90_ms %.2f%n", all.getValueAtPercentile(90) / 1000.0);
            System.out.printf("RESULT p99_ms %.2f%n", all.getValueAtPercentile(99) / 1000.0);
            System.out.printf("RESULT p999_ms %.2f%n", all.getValueAtPercentile(99.9) / 1000.0);
            System.out.printf("RESULT max_ms %.2f%n", all.getMaxValue() / 1000.0);
            synchronized (warmHist) {
                Histogram both = all.copy();
                both.add(warmHist);
                System.out.printf("RESULT warmup_p99_ms %.2f%n", warmHist.getValueAtPercentile(99) / 1000.0);
                System.out.printf("RESULT with_warmup_p99_ms %.2f%n", both.getValueAtPercentile(99) / 1000.0);
            }
        }
        System.exit(0);
    }

    /** Reads one HTTP/1.1 response with a Content-Length body; returns its status. */
    private static int readResponse(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int status = -1;
        long contentLength = -1;
        boolean chunked = false;
        while (true) {
            line.setLength(0);
            int ch;
            while ((ch = in.read()) != '\n') {
                if (ch < 0) {
                    throw new IOException("connection closed by the server");
                }
                if (ch != '\r') {
                    line.append((char) ch);
                }
            }
            if (line.length() == 0) {
                break;
            }
            String l = line.toString();
            if (status < 0) {
                status = Integer.parseInt(l.substring(9, 12));
            } else {
                int colon = l.indexOf(':');
                String name = l.substring(0, colon).trim();
                if (name.equalsIgnoreCase("content-length")) {
                    contentLength = Long.parseLong(l.substring(colon + 1).trim());
                } else if (name.equalsIgnoreCase("transfer-encoding")) {
                    chunked = true;
                }
            }
        }
        if (chunked || contentLength < 0) {
            throw new IOException("response without content-length is not supported by this driver");
        }
        in.skipNBytes(contentLength);
        return status;
    }
}
