package io.linegate.bench.sending;

import io.linegate.bench.Args;

import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Secret;
import io.linegate.emulator.Emulator;
import io.linegate.messaging.LineApiException;
import io.linegate.messaging.MessageSender;
import io.linegate.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Benchmark 1 of issue 4: push as fast as possible through linegate's {@link MessageSender} (many threads,
 * production defaults: client-side rate limits at scale 1, API request log in SQLite) against an emulator
 * with LINE's real rate limits (push: 2,000 requests/s per channel). Reports the achieved rate over the
 * measured window, the 429s the client saw (every attempt, from the request log) and what the emulator
 * accepted (its quota consumption: one per push to a friend), and push latency.
 *
 * <p>Bounded: warm-up + duration seconds, and at most {@code --max-requests} pushes.
 */
final class PushAtLimit {
    private PushAtLimit() {
    }

    static int run(Args o) throws Exception {
        int threads = o.integer("threads", 64);
        int warmup = o.integer("warmup", 10);
        int duration = o.integer("duration", 30);
        int users = o.integer("users", 100);
        long maxRequests = o.lng("max-requests", 2_000_000);
        boolean validate = o.bool("validate", false);
        boolean requestLog = o.bool("request-log", true);
        String url = o.str("emulator-url", "");
        String token = o.str("token", "");
        double target = o.dbl("limit", 2000);

        Emulator emulator = null;
        if (url.isEmpty()) {
            // LINE's real limits (scale 1): push 2,000 requests/s per channel.
            emulator = Emulator.builder().port(0).validateRequests(validate).start();
            url = emulator.baseUrl();
            token = emulator.defaultChannel().accessToken();
        }
        Path dir = Files.createTempDirectory("linegate-push-bench");
        Store store = requestLog ? Store.sqlite(dir) : null;
        try {
            ControlApi control = new ControlApi(url, token);
            List<String> to = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                to.add(control.friend(i));
            }
            CountingLog log = new CountingLog(store.apiRequests());
            MessageSender sender = MessageSender.builder(java.net.URI.create(url), Secret.of(token, "channel access token"))
                    .requestLog(log, "off").build();
            System.out.printf(Locale.ROOT, "push at the rate limit: %s (%s), %d threads, %d friends, warm-up %d s, measured %d s,"
                            + " emulator spec validation %s, API request log %s%n",
                    url, emulator == null ? "separate process" : "in this JVM", threads, users, warmup, duration,
                    emulator == null ? "as started" : validate ? "on" : "off", requestLog ? "SQLite" : "off");

            List<Message> messages = List.of(new TextMessage("bench"));
            long start = System.nanoTime();
            long measureFrom = start + Duration.ofSeconds(warmup).toNanos();
            long measureTo = measureFrom + Duration.ofSeconds(duration).toNanos();
            AtomicLong issued = new AtomicLong();
            AtomicLong measured = new AtomicLong();
            AtomicLong refused429 = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            Recorder latency = new Recorder(3);
            long[] consumption = new long[2];
            long[] logAt = new long[4];
            long consumptionStart = control.consumption();

            Thread marker = new Thread(() -> {
                try {
                    sleepUntil(measureFrom);
                    consumption[0] = control.consumption();
                    logAt[0] = log.status(200);
                    logAt[1] = log.status(429);
                    log.attemptMs.reset();
                    sleepUntil(measureTo);
                    consumption[1] = control.consumption();
                    logAt[2] = log.status(200);
                    logAt[3] = log.status(429);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, "bench-marker");
            marker.start();

            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int k = t;
                Thread w = new Thread(() -> {
                    int n = k;
                    while (System.nanoTime() < measureTo && issued.incrementAndGet() <= maxRequests) {
                        long t0 = System.nanoTime();
                        try {
                            sender.push(to.get(n++ % to.size()), messages);
                        } catch (LineApiException.TooManyRequests e) {
                            refused429.incrementAndGet();
                            continue;
                        } catch (Exception e) {
                            if (errors.incrementAndGet() <= 5) {
                                System.err.println("push failed: " + e);
                            }
                            continue;
                        }
                        long t1 = System.nanoTime();
                        if (t0 >= measureFrom && t1 <= measureTo) {
                            latency.recordValue((t1 - t0) / 1000);
                        }
                        if (t1 >= measureFrom && t1 < measureTo) {
                            measured.incrementAndGet();
                        }
                    }
                }, "bench-push-" + t);
                w.start();
                workers.add(w);
            }
            for (Thread w : workers) {
                w.join();
            }
            marker.join();
            Thread.sleep(500); // the last attempts' log entries
            long consumptionEnd = control.consumption();

            Histogram h = latency.getIntervalHistogram();
            Histogram a = log.attemptMs.getIntervalHistogram();
            double rate = measured.get() / (double) duration;
            double emulatorRate = (consumption[1] - consumption[0]) / (double) duration;
            long attempts = log.total();
            long accepted = consumptionEnd - consumptionStart;
            System.out.println();
            System.out.printf(Locale.ROOT, "push_rate_rps=%.1f%n", rate);
            System.out.printf(Locale.ROOT, "emulator_accepted_rps=%.1f%n", emulatorRate);
            System.out.printf(Locale.ROOT, "ratio_to_limit=%.3f%n", rate / target);
            System.out.printf(Locale.ROOT, "client_429_attempts=%d%n", log.status(429));
            System.out.printf(Locale.ROOT, "client_429_measured=%d%n", logAt[3] - logAt[1]);
            System.out.printf(Locale.ROOT, "client_429_thrown=%d%n", refused429.get());
            System.out.printf(Locale.ROOT, "client_attempts=%d%n", attempts);
            System.out.printf(Locale.ROOT, "client_other_statuses=%s%n", log.others().isEmpty() ? "none" : log.others());
            System.out.printf(Locale.ROOT, "client_errors=%d%n", errors.get());
            System.out.printf(Locale.ROOT, "emulator_accepted=%d%n", accepted);
            System.out.printf(Locale.ROOT, "emulator_refused=%d%n", attempts - accepted);
            System.out.printf(Locale.ROOT, "push_p50_ms=%.2f%n", h.getValueAtPercentile(50) / 1000.0);
            System.out.printf(Locale.ROOT, "push_p99_ms=%.2f%n", h.getValueAtPercentile(99) / 1000.0);
            System.out.printf(Locale.ROOT, "push_max_ms=%.2f%n", h.getMaxValue() / 1000.0);
            System.out.printf(Locale.ROOT, "attempt_p50_ms=%d%n", a.getValueAtPercentile(50));
            System.out.printf(Locale.ROOT, "attempt_p99_ms=%d%n", a.getValueAtPercentile(99));
            System.out.println();
            System.out.printf(Locale.ROOT, "%.0f pushes/s over %d s (%.1f%% of %.0f/s; emulator accepted %.0f/s), 429s seen by the client %d"
                            + " (%d in the measured window, %d thrown after retries), emulator accepted %d of %d attempts;"
                            + " push() p50 %.2f ms p99 %.2f ms (includes the wait for the client-side bucket); HTTP attempt p50 %d ms p99 %d ms%n",
                    rate, duration, 100 * rate / target, target, emulatorRate, log.status(429), logAt[3] - logAt[1], refused429.get(),
                    accepted, attempts, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                    a.getValueAtPercentile(50), a.getValueAtPercentile(99));
            boolean met = rate >= 0.95 * target && log.status(429) == 0 && refused429.get() == 0 && attempts == accepted;
            System.out.println("verdict=" + (met ? "MET" : "MISSED") + " (target: >= 95% of " + (long) target + "/s and no 429)");
            return 0;
        } finally {
            if (store != null) {
                store.close();
            }
            if (emulator != null) {
                emulator.close();
            }
            deleteTree(dir);
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000));
        }
    }

    static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temporary directory
        }
    }
}
