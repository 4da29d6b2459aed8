package io.linegate.server;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.awaitility.Awaitility.await;

import io.linegate.core.Ulid;
import io.linegate.core.WebhookSignature;
import io.linegate.emulator.ChannelInfo;
import io.linegate.emulator.Emulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Server processes ({@link ClusterPushBot}) on one store, sending to the emulator through a
 * {@link LineRecorder}, and a steady stream of webhooks for many users spread round-robin over them:
 * what the multi-process tests of the cluster need to count what reaches LINE and when.
 */
final class PushCluster implements AutoCloseable {
    final Path dir;
    final String location;
    final Duration lease;
    final Emulator emulator;
    final LineRecorder line;
    final List<Node> nodes = new CopyOnWriteArrayList<>();
    private final Path tokenFile;
    private final ChannelInfo channel;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Node(String name, Process process, int port, int adminPort, Path effects) {
        URI webhook() {
            return URI.create("http://127.0.0.1:" + port + "/webhook");
        }

        URI admin(String path) {
            return URI.create("http://127.0.0.1:" + adminPort + path);
        }

        long pid() {
            return process.pid();
        }
    }

    /** What a handler did: which node ran it, for which event and conversation, and when (epoch millis). */
    record Effect(String node, String eventId, String sourceKey, long at) {}

    PushCluster(Path dir, String location, Duration lease) throws IOException {
        this.dir = dir;
        this.location = location;
        this.lease = lease;
        this.emulator = Emulator.builder().port(0).start();
        this.channel = emulator.defaultChannel();
        this.line = new LineRecorder(URI.create(emulator.baseUrl()));
        this.tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, channel.accessToken());
    }

    Node start(String name, long handlerDelayMillis) throws Exception {
        Path portFile = dir.resolve(name + ".port");
        Path effects = dir.resolve(name + ".effects");
        Files.deleteIfExists(portFile);
        Process p = ChildJvm.start(ClusterPushBot.class, dir.resolve(name + ".log"), List.of("-Xmx192m"),
                location, name, portFile.toString(), effects.toString(), lease.toString(), line.uri().toString(),
                channel.channelId(), tokenFile.toString(), String.valueOf(handlerDelayMillis));
        await().atMost(Duration.ofSeconds(90)).until(() -> !p.isAlive()
                || Files.exists(portFile) && !Files.readString(portFile).isEmpty());
        if (!p.isAlive()) {
            throw new IllegalStateException("node " + name + " did not start: " + Files.readString(dir.resolve(name + ".log")));
        }
        String[] ports = Files.readString(portFile).trim().split(" ");
        Node node = new Node(name, p, Integer.parseInt(ports[0]), Integer.parseInt(ports[1]), effects);
        nodes.add(node);
        return node;
    }

    /** Sends one webhook carrying {@code events}; the status code, or -1 if the node did not answer. */
    int send(Node node, String... events) {
        byte[] body = body(events);
        try {
            return http.send(HttpRequest.newBuilder(node.webhook()).timeout(Duration.ofSeconds(5))
                            .header("x-line-signature", WebhookSignature.sign(ClusterPushBot.SECRET, body))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The warnings and errors in the nodes' logs, for a failure's message. */
    String problems() throws IOException {
        StringBuilder out = new StringBuilder();
        for (Node n : nodes) {
            Files.readAllLines(dir.resolve(n.name() + ".log")).stream()
                    .filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("Exception")).limit(20)
                    .forEach(l -> out.append(n.name()).append(": ").append(l).append('\n'));
        }
        return out.toString();
    }

    /** Everything the handlers of all nodes did so far. */
    List<Effect> effects() throws IOException {
        List<Effect> all = new ArrayList<>();
        for (Node n : nodes) {
            if (Files.exists(n.effects())) {
                for (String l : Files.readAllLines(n.effects())) {
                    String[] f = l.split(" ");
                    if (f.length == 4) {
                        all.add(new Effect(f[0], f[1], f[2], Long.parseLong(f[3])));
                    }
                }
            }
        }
        return all;
    }

    /**
     * A steady stream of one-event webhooks, one every {@code every}, for {@code users} users in turn,
     * to the given nodes in turn; a webhook that is not acknowledged is sent again to the next node,
     * as LINE redelivers. Events are acknowledged in {@link #acked} (event id to user).
     */
    Stream stream(List<Node> to, int users, Duration every) {
        return new Stream(to, users, every);
    }

    final class Stream implements AutoCloseable {
        final Map<String, String> acked = new ConcurrentHashMap<>();
        final AtomicInteger refused = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        private Stream(List<Node> to, int users, Duration every) {
            thread = new Thread(() -> {
                int sent = 0;
                long next = System.nanoTime();
                while (running.get()) {
                    String userId = user(1 + sent % users);
                    String id = Ulid.next();
                    for (int attempt = 0; attempt < 20 && running.get(); attempt++) {
                        Node node = to.get(Math.floorMod(sent + attempt, to.size()));
                        if (send(node, text(userId, id, "x", attempt > 0)) == 200) {
                            acked.put(id, userId);
                            break;
                        }
                        refused.incrementAndGet();
                    }
                    sent++;
                    next += every.toNanos();
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        try {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "webhook-stream");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }
    }

    /**
     * The longest time, in seconds, between {@code fromNanos} and {@code toNanos} without a push
     * arriving at LINE for a conversation {@code counted} accepts (the window's ends count as arrivals).
     */
    double longestGap(long fromNanos, long toNanos, Predicate<String> counted) {
        long last = fromNanos;
        long longest = 0;
        for (long t : line.pushes.stream().filter(p -> counted.test(p.to())).mapToLong(LineRecorder.Push::atNanos)
                .filter(t -> t >= fromNanos && t <= toNanos).sorted().toArray()) {
            longest = Math.max(longest, t - last);
            last = t;
        }
        return Math.max(longest, toNanos - last) / 1e9;
    }

    @Override
    public void close() throws Exception {
        for (Node n : nodes) {
            if (n.process().isAlive()) {
                signal("CONT", n.pid()); // a stopped process would not stop
            }
            n.process().destroy();
        }
        for (Node n : nodes) {
            if (!n.process().waitFor(30, TimeUnit.SECONDS)) {
                n.process().destroyForcibly();
            }
        }
        line.close();
        emulator.close();
    }

    /** Sends a signal (STOP, CONT) to a process: {@code kill -STOP pid}. */
    static void signal(String name, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("kill -" + name + " " + pid + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
