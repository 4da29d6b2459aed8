package io.linegate.bench.sending;

import io.linegate.bench.Args;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.store.Store;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark 2 of issue 4: a campaign to N recipients (default 1,000,000) against the emulator, each in its
 * own JVM: the emulator, the campaign's creation, and the sending process, which is killed with SIGKILL
 * ({@link Process#destroyForcibly()}) when the emulator has delivered to {@code --kill-at} of the
 * recipients, then started again. With {@code --kill-mode=inflight} (the default) the kill lands while a batch
 * the emulator has already delivered is waiting for its answer (an injected 3 s response delay), so that the
 * restart must send it again and rely on its retry key; {@code anytime} kills at once. Afterwards the emulator's per-recipient summary must show every
 * recipient reached exactly once. Reports the duration and the sending processes' peak heap (the largest
 * heap occupancy before a GC in their {@code -Xlog:gc} logs), under {@code --sender-heap} (default -Xmx256m).
 *
 * <p>Bounded: {@code --timeout} seconds for the whole run, each wait polled at most that long.
 */
final class CampaignKill {
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
    private static final Pattern KV = Pattern.compile("^(\\w+)=(.*)$");
    /** How long the emulator holds back the answer to the batch in flight when the sender is killed. */
    private static final int HOLD_MS = 3000;

    private CampaignKill() {
    }

    static int run(Args o) throws Exception {
        int n = o.integer("recipients", 1_000_000);
        double rate = o.dbl("rate", 100_000);
        double killAt = o.dbl("kill-at", 0.5);
        double scale = o.dbl("rate-limit-scale", 1);
        String senderHeap = o.str("sender-heap", "256m");
        String emulatorHeap = o.str("emulator-heap", "2g");
        String runner = o.str("runner", "bench");
        String cliJar = o.str("cli-jar", "cli/target/linegate.jar");
        long deadline = System.nanoTime() + Duration.ofSeconds(o.integer("timeout", 1800)).toNanos();
        Path work = Path.of(o.str("work", Files.createTempDirectory("linegate-campaign").toString()));
        Files.createDirectories(work);
        Path data = work.resolve("data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String benchJar = Path.of(CampaignKill.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        boolean cli = runner.equals("cli");
        boolean inflight = o.str("kill-mode", "inflight").equals("inflight");

        System.out.printf(Locale.ROOT, "campaign to %,d recipients at %,.0f recipients/s (multicast batches of 500), emulator rate limits x%s,"
                        + " sending process -Xmx%s (%s), kill -9 at %.0f%%, work dir %s%n", n, rate, scale, senderHeap,
                cli ? "linegate campaign run, " + cliJar : "bench campaign-run, the CLI's classes", killAt * 100, work);

        Process emulator = new ProcessBuilder(java, "-Xmx" + emulatorHeap, "-cp", benchJar, SendingMain.class.getName(),
                "campaign-emulator", "--rate-limit-scale=" + scale, "--inbox-limit=0", "--validate=false")
                .redirectErrorStream(true).start();
        try {
            Map<String, String> info = readInfo(emulator, work.resolve("emulator.log"), deadline);
            String url = info.get("base_url");
            String channel = info.get("channel_id");
            String token = info.get("access_token");
            ControlApi control = new ControlApi(url, token);
            System.out.println("emulator " + url + ", channel " + channel + " (own JVM, -Xmx" + emulatorHeap
                    + ", spec validation off, no inboxes, delivery summary per recipient)");

            long t = System.nanoTime();
            JsonNode bulk = control.post("/control/v1/users/bulk", "{\"start\":0,\"count\":" + n + ",\"friendOf\":[\"" + channel + "\"]}",
                    Duration.ofMinutes(5));
            System.out.printf(Locale.ROOT, "users: %s created (%s .. %s) in %.1f s%n", bulk.path("created").asText(),
                    bulk.path("firstUserId").asText(), bulk.path("lastUserId").asText(), secs(t));
            Path recipients = work.resolve("recipients.txt");
            try (BufferedWriter w = Files.newBufferedWriter(recipients, StandardCharsets.US_ASCII)) {
                for (int i = 0; i < n; i++) {
                    w.write("U" + String.format("%032x", (long) i));
                    w.newLine();
                }
            }

            t = System.nanoTime();
            List<String> start = new ArrayList<>(List.of(java, "-Xmx1g"));
            start.addAll(cli ? List.of("-jar", cliJar, "campaign", "start", "--data-dir", data.toString(), "--name", "bench",
                    "--recipients", recipients.toString(), "--text", "Sale!", "--rate", String.valueOf(rate))
                    : List.of("-cp", benchJar, SendingMain.class.getName(), "campaign-start", "--data-dir=" + data,
                    "--recipients=" + recipients, "--rate=" + rate, "--text=Sale!"));
            int rc = waitFor(new ProcessBuilder(start).redirectErrorStream(true)
                    .redirectOutput(work.resolve("start.log").toFile()).start(), deadline);
            if (rc != 0) {
                throw new IllegalStateException("creating the campaign failed (" + rc + "), see " + work.resolve("start.log"));
            }
            System.out.printf(Locale.ROOT, "campaign created in %.1f s (its own JVM)%n", secs(t));

            long sendStart = System.nanoTime();
            long killedAt = -1;
            List<Long> peaks = new ArrayList<>();
            List<Double> runSeconds = new ArrayList<>();
            for (int run = 1; run <= 2; run++) {
                Path gc = work.resolve("gc-run" + run + ".log");
                List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + senderHeap, "-Xlog:gc:file=" + gc));
                cmd.addAll(cli ? List.of("-jar", cliJar, "campaign", "run", "--data-dir", data.toString(),
                        "--rate-limit-scale", String.valueOf(scale))
                        : List.of("-cp", benchJar, SendingMain.class.getName(), "campaign-run", "--data-dir=" + data,
                        "--api-base=" + url, "--rate-limit-scale=" + scale));
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("run" + run + ".log").toFile()));
                pb.environment().put("LINE_CHANNEL_ACCESS_TOKEN", token);
                pb.environment().put("LINE_API_BASE", url);
                pb.environment().put("LINE_CHANNEL_SECRET", info.get("channel_secret")); // linegate's CLI requires it
                long r0 = System.nanoTime();
                Process sender = pb.start();
                if (run == 1) {
                    // Kill it, as the OOM killer or a power cut would: no shutdown hook, no last write.
                    long seen = 0;
                    while (sender.isAlive() && System.nanoTime() < deadline) {
                        seen = control.get("/control/v1/deliveries/summary?channelId=" + channel).path("recipients").asLong();
                        if (seen >= killAt * n) {
                            break;
                        }
                        Thread.sleep(50);
                    }
                    if (!sender.isAlive()) {
                        throw new IllegalStateException("the sending process ended (" + sender.exitValue() + ") before "
                                + (int) (killAt * 100) + "% of the recipients were reached (" + seen + "); see " + work);
                    }
                    String when = "between batches";
                    if (inflight) {
                        // The hard case: the platform has delivered the next batch, but its answer has not reached
                        // the sender, so the batch is not marked sent. The emulator holds that one response back.
                        control.post("/control/v1/faults", "{\"endpoint\":\"/v2/bot/message/multicast\",\"latencyMs\":"
                                + HOLD_MS + ",\"count\":1}", Duration.ofSeconds(10));
                        long before = control.get("/control/v1/deliveries/summary?channelId=" + channel).path("recipients").asLong();
                        long until = System.nanoTime() + Duration.ofMillis(HOLD_MS / 2).toNanos();
                        while (System.nanoTime() < until && control.get("/control/v1/deliveries/summary?channelId=" + channel)
                                .path("recipients").asLong() == before) {
                            Thread.sleep(5);
                        }
                        Thread.sleep(100);
                        when = "while a delivered batch's answer was held back";
                    }
                    sender.destroyForcibly();
                    sender.waitFor(30, TimeUnit.SECONDS);
                    if (inflight) {
                        control.delete("/control/v1/faults");
                    }
                    killedAt = control.get("/control/v1/deliveries/summary?channelId=" + channel).path("recipients").asLong();
                    System.out.printf(Locale.ROOT, "run 1: killed with SIGKILL after %.1f s, %,d recipients reached (%.1f%%), %s%n",
                            secs(r0), killedAt, 100.0 * killedAt / n, when);
                } else {
                    rc = waitFor(sender, deadline);
                    System.out.printf(Locale.ROOT, "run 2: restarted, exited %d after %.1f s%n", rc, secs(r0));
                }
                runSeconds.add(secs(r0));
                peaks.add(peakHeap(gc));
            }
            double duration = secs(sendStart);
            JsonNode summary = control.get("/control/v1/deliveries/summary?channelId=" + channel);

            int conflicts;
            long sentBatches;
            long batches;
            try (Store store = Store.sqlite(data)) {
                conflicts = store.apiRequests().query(Instant.EPOCH, 409, 409, null, 100_000).size();
                var c = store.campaigns().campaigns().get(0);
                sentBatches = c.sentBatches();
                batches = c.batches();
                System.out.printf(Locale.ROOT, "store: campaign %s, batches %d/%d sent, %d failed, recipients %,d/%,d%n", c.state(),
                        c.sentBatches(), c.batches(), c.failedBatches(), c.sentRecipients(), c.recipients());
            }
            long reached = summary.path("recipients").asLong();
            long dups = summary.path("duplicatedRecipients").asLong();
            long messages = summary.path("messages").asLong();
            long maxPer = summary.path("maxPerRecipient").asLong();
            long peak = peaks.stream().mapToLong(Long::longValue).max().orElse(-1);
            System.out.println();
            System.out.printf(Locale.ROOT, "campaign_recipients=%d%n", n);
            System.out.printf(Locale.ROOT, "reached_recipients=%d%n", reached);
            System.out.printf(Locale.ROOT, "delivered_messages=%d%n", messages);
            System.out.printf(Locale.ROOT, "max_per_recipient=%d%n", maxPer);
            System.out.printf(Locale.ROOT, "duplicated_recipients=%d%n", dups);
            System.out.printf(Locale.ROOT, "killed_at_recipients=%d%n", killedAt);
            System.out.printf(Locale.ROOT, "kill_mode=%s%n", inflight ? "inflight" : "anytime");
            System.out.printf(Locale.ROOT, "retry_key_409s=%d%n", conflicts);
            System.out.printf(Locale.ROOT, "batches_sent=%d/%d%n", sentBatches, batches);
            System.out.printf(Locale.ROOT, "duration_s=%.1f%n", duration);
            System.out.printf(Locale.ROOT, "run1_s=%.1f%n", runSeconds.get(0));
            System.out.printf(Locale.ROOT, "run2_s=%.1f%n", runSeconds.get(1));
            System.out.printf(Locale.ROOT, "recipients_per_s=%.0f%n", n / duration);
            System.out.printf(Locale.ROOT, "peak_heap_mib=%.1f%n", peak / 1048576.0);
            System.out.printf(Locale.ROOT, "peak_heap_run1_mib=%.1f%n", peaks.get(0) / 1048576.0);
            System.out.printf(Locale.ROOT, "peak_heap_run2_mib=%.1f%n", peaks.get(1) / 1048576.0);
            System.out.printf(Locale.ROOT, "sender_xmx=%s%n", senderHeap);
            System.out.println();
            boolean met = reached == n && dups == 0 && messages == n && maxPer == 1 && sentBatches == batches;
            System.out.printf(Locale.ROOT, "%,d of %,d recipients reached, %d twice, %,d messages, killed at %,d and restarted;"
                            + " %d batch(es) re-sent after the restart answered 409 (retry key already accepted); %.1f s from the"
                            + " first start to completion (%,.0f recipients/s); peak heap of the sending process %.1f MiB (-Xmx%s)%n",
                    reached, n, dups, messages, killedAt, conflicts, duration, n / duration, peak / 1048576.0, senderHeap);
            System.out.println("verdict=" + (met ? "MET" : "MISSED") + " (target: every recipient exactly once across a kill -9 and restart)");
            return met ? 0 : 1;
        } finally {
            emulator.destroy();
            if (!emulator.waitFor(10, TimeUnit.SECONDS)) {
                emulator.destroyForcibly();
            }
        }
    }

    /** The emulator's key=value lines (base_url, channel_id, access_token); the rest of its output goes to {@code log}. */
    private static Map<String, String> readInfo(Process p, Path log, long deadline) throws Exception {
        Map<String, String> info = new HashMap<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter w = Files.newBufferedWriter(log);
        Thread pump = new Thread(() -> {
            try (r; w) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = KV.matcher(line);
                    if (m.matches()) {
                        synchronized (info) {
                            info.put(m.group(1), m.group(2));
                            info.notifyAll();
                        }
                        if (m.group(1).equals("access_token") || m.group(1).equals("channel_secret")) {
                            continue; // not into the log file
                        }
                    }
                    w.write(line);
                    w.newLine();
                    w.flush();
                }
            } catch (IOException ignored) {
                // the emulator stopped
            }
        }, "emulator-output");
        pump.setDaemon(true);
        pump.start();
        synchronized (info) {
            while (!info.containsKey("access_token")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the emulator did not start; see " + log);
                }
                info.wait(200);
            }
        }
        return info;
    }

    private static int waitFor(Process p, long deadline) throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (!p.waitFor(Math.max(1, left), TimeUnit.NANOSECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out");
        }
        return p.exitValue();
    }

    /** The largest heap occupancy before a collection in a {@code -Xlog:gc} file, in bytes (-1 if none). */
    static long peakHeap(Path gcLog) throws IOException {
        long peak = -1;
        if (!Files.exists(gcLog)) {
            return peak;
        }
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_LINE.matcher(line);
            if (m.find()) {
                peak = Math.max(peak, bytes(m.group(1), m.group(2)));
            }
        }
        return peak;
    }

    private static long bytes(String v, String unit) {
        long x = Long.parseLong(v);
        return switch (unit) {
            case "K" -> x << 10;
            case "M" -> x << 20;
            default -> x << 30;
        };
    }

    private static double secs(long from) {
        return (System.nanoTime() - from) / 1e9;
    }
}
