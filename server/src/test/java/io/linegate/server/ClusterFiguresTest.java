package io.linegate.server;

import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.core.Ulid;
import io.linegate.store.Cluster;
import io.linegate.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The figures an operator reads, under a backlog of 100,000 events (handlers slowed) and across a
 * PostgreSQL restart, sampled every 100 ms from two server processes: {@code
 * linegate_events_lag_seconds} is never NaN, {@code linegate_queue_depth} and the admin status's
 * backlog are never negative, and what {@code linegate cluster status} reads (the store's
 * {@link Cluster} view and the journal's pending count, as the command reads them) never makes a
 * negative number with 100,000 events waiting (how long it takes is printed, not asserted: the
 * cluster-status scenario of bench/run.sh measures it).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterFiguresTest {
    static final Duration LEASE = Duration.ofSeconds(3);
    static final int WEBHOOKS = 1_030;
    static final int EVENTS_PER_WEBHOOK = 100;
    static final int WAITING = 100_000;
    static final int USERS = 1_000;

    @TempDir
    Path dir;

    EmbeddedPostgres pg;
    PushCluster cluster;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    EmbeddedPostgres startPostgres(int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pgdata")).setCleanDataDirectory(false)
                .setPort(port).setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "200").start();
    }

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    /** The worst of each figure seen, over all samples. */
    static final class Worst {
        final AtomicInteger samples = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger lagNaN = new AtomicInteger();
        final AtomicInteger lagSamples = new AtomicInteger();
        final AtomicLong minDepth = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong minBacklog = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong maxBacklog = new AtomicLong(Long.MIN_VALUE);
        final AtomicInteger statusCalls = new AtomicInteger();
        final AtomicInteger statusFailed = new AtomicInteger();
        final AtomicInteger statusCallsAtFullBacklog = new AtomicInteger();
        final AtomicLong slowestAtFullBacklogMillis = new AtomicLong();
        final AtomicLong slowestMillis = new AtomicLong();
        final AtomicLong minStatusNumber = new AtomicLong(Long.MAX_VALUE);
        final List<String> negatives = new CopyOnWriteArrayList<>();
    }

    void sampleNode(PushCluster.Node node, Worst worst) {
        try {
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(node.admin("/metrics"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(node.admin("/admin/status"))
                    .header("Authorization", "Bearer " + ClusterPushBot.ADMIN.reveal())
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            worst.samples.incrementAndGet();
            if (metrics.statusCode() != 200 || status.statusCode() != 200) {
                worst.failed.incrementAndGet();
            }
            if (metrics.statusCode() == 200) {
                for (String line : metrics.body().split("\n")) {
                    String value = line.substring(line.lastIndexOf(' ') + 1);
                    if (line.startsWith("linegate_events_lag_seconds")) {
                        worst.lagSamples.incrementAndGet();
                        if (value.equals("NaN")) {
                            worst.lagNaN.incrementAndGet();
                        }
                    } else if (line.startsWith("linegate_queue_depth")) {
                        long depth = (long) Double.parseDouble(value);
                        worst.minDepth.accumulateAndGet(depth, Math::min);
                        if (depth < 0) {
                            worst.negatives.add(node.name() + " linegate_queue_depth " + value);
                        }
                    }
                }
            }
            if (status.statusCode() == 200) {
                JsonNode s = Json.mapper().readTree(status.body());
                long backlog = s.path("backlog").asLong();
                worst.minBacklog.accumulateAndGet(backlog, Math::min);
                worst.maxBacklog.accumulateAndGet(backlog, Math::max);
                if (backlog < 0) {
                    worst.negatives.add(node.name() + " /admin/status backlog " + backlog);
                }
            }
        } catch (Exception e) {
            worst.samples.incrementAndGet();
            worst.failed.incrementAndGet();
        }
    }

    /**
     * What {@code linegate cluster status} reads and shows (ClusterCommand.Status: one snapshot), from a
     * store it opens for the call; the events waiting in partitions, or -1 if the store could not be read.
     */
    long clusterStatus(String location, Worst worst) {
        long t0 = System.nanoTime();
        try (Store store = Store.open(location, Store.Options.defaults().create(false))) {
            Cluster.Snapshot now = store.cluster().snapshot();
            Map<Integer, Long> backlog = now.backlog();
            long inPartitions = backlog.values().stream().mapToLong(Long::longValue).sum();
            long unsplit = now.unsplit();
            List<Long> numbers = new ArrayList<>(List.of(unsplit, inPartitions));
            for (Cluster.Node node : now.nodes()) {
                numbers.add(node.partitions().stream().mapToLong(p -> backlog.getOrDefault(p, 0L)).sum());
            }
            numbers.add(now.unowned());
            long millis = (System.nanoTime() - t0) / 1_000_000;
            worst.statusCalls.incrementAndGet();
            worst.slowestMillis.accumulateAndGet(millis, Math::max);
            if (inPartitions >= WAITING) {
                worst.statusCallsAtFullBacklog.incrementAndGet();
                worst.slowestAtFullBacklogMillis.accumulateAndGet(millis, Math::max);
            }
            for (long n : numbers) {
                worst.minStatusNumber.accumulateAndGet(n, Math::min);
            }
            if (numbers.stream().anyMatch(n -> n < 0)) {
                worst.negatives.add("cluster status: events not yet split " + unsplit + ", in partitions " + inPartitions
                        + ", per node and in partitions no live node holds " + numbers.subList(2, numbers.size()));
            }
            return inPartitions;
        } catch (RuntimeException e) {
            worst.statusFailed.incrementAndGet();
            return -1;
        }
    }

    @Test
    void figuresAreNeverNaNOrNegativeUnderABacklogAndAcrossAPostgresRestart() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        pg = startPostgres(port);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE linegate");
        }
        String location = "postgresql://127.0.0.1:" + port + "/linegate?user=postgres";
        cluster = new PushCluster(dir, location, LEASE);
        ExecutorService boot = Executors.newFixedThreadPool(2);
        List<Future<PushCluster.Node>> booting = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            booting.add(boot.submit(() -> cluster.start(name, 1_000))); // slow handlers: the backlog stays
        }
        List<PushCluster.Node> nodes = new ArrayList<>();
        for (Future<PushCluster.Node> f : booting) {
            nodes.add(f.get(120, TimeUnit.SECONDS));
        }
        boot.shutdown();

        Worst worst = new Worst();
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicLong waiting = new AtomicLong();
        Thread scraper = new Thread(() -> {
            while (sampling.get()) {
                long next = System.nanoTime() + 100_000_000;
                nodes.forEach(n -> sampleNode(n, worst));
                long rest = next - System.nanoTime();
                if (rest > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(rest);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "scraper");
        Thread statusCaller = new Thread(() -> {
            while (sampling.get()) {
                long w = clusterStatus(location, worst);
                if (w >= 0) {
                    waiting.set(w);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "cluster-status");
        scraper.start();
        statusCaller.start();

        // 103,000 events for 1,000 users, 100 to a webhook, all acknowledged.
        Map<String, Integer> acked = new ConcurrentHashMap<>();
        AtomicInteger nextWebhook = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        List<Future<?>> sending = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            sending.add(senders.submit(() -> {
                for (int w; (w = nextWebhook.getAndIncrement()) < WEBHOOKS; ) {
                    String[] events = new String[EVENTS_PER_WEBHOOK];
                    for (int i = 0; i < events.length; i++) {
                        events[i] = text(user(1 + (w * EVENTS_PER_WEBHOOK + i) % USERS), Ulid.next(), "x", false);
                    }
                    for (int attempt = 0; ; attempt++) {
                        if (cluster.send(nodes.get((w + attempt) % nodes.size()), events) == 200) {
                            acked.put("w" + w, events.length);
                            break;
                        }
                        assertThat(attempt).as("attempts to deliver webhook %d", w).isLessThan(20);
                        Thread.sleep(100);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : sending) {
            f.get(150, TimeUnit.SECONDS);
        }
        senders.shutdown();
        assertThat(acked).as("webhooks acknowledged").hasSize(WEBHOOKS);
        long filled = System.nanoTime();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> waiting.get() >= WAITING);
        double split = (System.nanoTime() - filled) / 1e9;
        Thread.sleep(5_000);
        int beforeRestart = worst.samples.get();

        pg.close(); // PostgreSQL restarts under the backlog
        pg = null;
        Thread.sleep(5_000);
        pg = startPostgres(port);
        String after = Ulid.next();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> cluster.send(nodes.get(0), text(user(1), after, "x", false)) == 200);
        Thread.sleep(10_000);
        sampling.set(false);
        scraper.join(10_000);
        statusCaller.join(10_000);

        System.out.printf("FIGURES figures: %d events acknowledged in %d webhooks, %d waiting in partitions %.1f s after the "
                        + "last acknowledgement; %d samples of /metrics and /admin/status (both nodes) (%d before the restart, "
                        + "%d failed): lag NaN in %d of %d, least queue depth %d, admin backlog from %d to %d; cluster status "
                        + "%d calls (%d failed), %d of them with >= %d events waiting, slowest of those %d ms, slowest of all "
                        + "%d ms, least number shown %d; negative figures: %s%n",
                WEBHOOKS * EVENTS_PER_WEBHOOK, WEBHOOKS, waiting.get(), split, worst.samples.get(), beforeRestart,
                worst.failed.get(), worst.lagNaN.get(), worst.lagSamples.get(), worst.minDepth.get(), worst.minBacklog.get(),
                worst.maxBacklog.get(), worst.statusCalls.get(), worst.statusFailed.get(), worst.statusCallsAtFullBacklog.get(),
                WAITING, worst.slowestAtFullBacklogMillis.get(), worst.slowestMillis.get(), worst.minStatusNumber.get(),
                worst.negatives.stream().limit(10).toList());

        // Sanity: the figures were read, under the backlog, before and after the restart.
        assertThat(worst.lagSamples.get()).as("lag samples").isGreaterThan(100);
        assertThat(worst.maxBacklog.get()).as("the admin status's backlog at its highest").isGreaterThan(WAITING / 2);
        assertThat(worst.statusCallsAtFullBacklog.get()).as("cluster status calls with 100,000 events waiting")
                .isGreaterThanOrEqualTo(3);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(worst.lagNaN.get()).as("samples of linegate_events_lag_seconds that read NaN").isZero();
        softly.assertThat(worst.minDepth.get()).as("least linegate_queue_depth").isNotNegative();
        softly.assertThat(worst.minBacklog.get()).as("least /admin/status backlog").isNotNegative();
        softly.assertThat(worst.minStatusNumber.get()).as("least number cluster status shows").isNotNegative();
        // How long cluster status takes is printed above, not asserted: a time measured in a unit test on a shared
        // machine is the machine's load as much as the code's (it read 240 ms in some full builds and 1,187 ms in another,
        // opening the store included). It belongs in a benchmark, side by side with a baseline.
        softly.assertThat(worst.negatives).as("negative figures").isEmpty();
        softly.assertAll();
    }
}
