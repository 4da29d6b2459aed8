package io.linegate.cli;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.awaitility.Awaitility.await;

import io.linegate.cli.kafkabot.CountingBotFactory;
import io.linegate.core.Secret;
import io.linegate.core.Ulid;
import io.linegate.core.WebhookSignature;
import io.linegate.emulator.ChannelInfo;
import io.linegate.emulator.Emulator;
import io.linegate.server.LineRecorder;
import io.linegate.store.TestPostgres;
import io.linegate.webhook.BotFactory;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * What the Kafka journal's cluster tests run on: three KRaft brokers in this JVM (a controller of their
 * own, so that any broker can be killed), an events topic with replication factor 3 and
 * {@code min.insync.replicas=2}, one PostgreSQL database shared by the nodes, the emulator behind a
 * {@link LineRecorder} that counts every push where it arrives, and linegate nodes as child JVMs running
 * the real {@code linegate serve --journal kafka://...} with the {@link CountingBotFactory} bot from a jar
 * written here (kept off the nodes' class path, so that it is the jar's only bot).
 */
final class KafkaNodes implements AutoCloseable {
    static final String SECRET = "9e5b0d9e5b0d9e5b0d9e5b0d9e5b0d01";
    static final String PREFIX = "cluster";
    static final int PARTITIONS = 12;
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/webhook");

    final Path dir;
    final Duration sessionTimeout;
    final KafkaClusterTestKit brokers;
    final String database;
    final Emulator emulator;
    final LineRecorder line;
    final List<Node> nodes = new CopyOnWriteArrayList<>();
    private final ChannelInfo channel;
    private final Path botJar;
    private final Path kafkaProperties;
    private final String classPath;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A node: its process, its webhook port and the file its handlers write their effects to. */
    record Node(String name, Process process, int port, Path effects, Path log) {
        URI webhook() {
            return URI.create("http://127.0.0.1:" + port + "/webhook");
        }

        long pid() {
            return process.pid();
        }
    }

    /** What a handler run did: which node ran it, for which event and conversation, and when (epoch millis). */
    /** A handler run: the node, the event, its conversation, when the run ended and when it began its push. */
    record Effect(String node, String eventId, String sourceKey, long at, long pushAt) {}

    KafkaNodes(Path dir, Duration sessionTimeout) throws Exception {
        this.dir = dir;
        this.sessionTimeout = sessionTimeout;
        this.brokers = startBrokers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", brokers.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(PREFIX + ".events", PARTITIONS, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get(60, TimeUnit.SECONDS);
        }
        this.database = TestPostgres.server().newDatabase();
        this.emulator = Emulator.builder().port(0).start();
        this.channel = emulator.defaultChannel();
        this.line = new LineRecorder(URI.create(emulator.baseUrl()));
        this.botJar = writeBotJar(dir.resolve("counting-bot.jar"));
        this.classPath = classPathWithout(botClasses());
        this.kafkaProperties = dir.resolve("kafka.properties");
        // The group's session timeout, short for the test (Kafka's default is 45 s, linegate's 10 s): how long a
        // node killed or paused keeps its partitions before the group gives them to the others.
        Files.writeString(kafkaProperties, "session.timeout.ms=" + sessionTimeout.toMillis() + "\n");
    }

    private static KafkaClusterTestKit startBrokers() throws Exception {
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(false).setNumBrokerNodes(3).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "3")
                .setConfigProp("offsets.topic.num.partitions", "2")
                .setConfigProp("transaction.state.log.replication.factor", "3")
                .setConfigProp("transaction.state.log.min.isr", "2")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("group.min.session.timeout.ms", "500")
                .setConfigProp("auto.create.topics.enable", "false")
                // A broker shut down in a test dies as if killed: no controlled shutdown handing its leaderships over
                // first; the controller counts it gone once its heartbeats stop for 2 s (a production default is 9 s).
                .setConfigProp("controlled.shutdown.enable", "false")
                .setConfigProp("broker.session.timeout.ms", "2000")
                .setConfigProp("broker.heartbeat.interval.ms", "500")
                .build();
        kit.format();
        kit.startup();
        kit.waitForReadyBrokers();
        return kit;
    }

    /** Starts a node; returns once it listens. */
    Node start(String name) throws Exception {
        Path log = dir.resolve(name + ".log");
        Path effects = dir.resolve(name + ".effects");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1", "-cp", classPath, Linegate.class.getName(),
                "serve", "--bot-jar", botJar.toString(), "--bot-setting", "node=" + name,
                "--bot-setting", "effects=" + effects, "--bot-setting", "delay-millis=50",
                "--store", database, "--journal", "kafka://" + brokers.bootstrapServers() + "/" + PREFIX,
                "--kafka-properties", kafkaProperties.toString(),
                "--insecure-http", "--host", "127.0.0.1", "--port", "0", "--admin-port", "0", "--warm-up", "PT0S",
                "--api-base", line.uri().toString(), "--flood-limit", "1000000", "--workers", "8"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("LINE_CHANNEL_SECRET", SECRET);
        pb.environment().put("LINE_CHANNEL_ACCESS_TOKEN", channel.accessToken());
        pb.environment().put("LINE_CHANNEL_ID", channel.channelId());
        Process p = pb.start();
        int[] port = {0};
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!p.isAlive()) {
                return true;
            }
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
                return true;
            }
            return false;
        });
        if (port[0] == 0) {
            throw new IllegalStateException("node " + name + " did not start: " + Files.readString(log));
        }
        Node node = new Node(name, p, port[0], effects, log);
        nodes.add(node);
        return node;
    }

    /** Sends one webhook carrying {@code events}; the status code, or -1 if the node did not answer. */
    int send(Node node, String... events) {
        byte[] payload = body(events);
        try {
            return http.send(HttpRequest.newBuilder(node.webhook()).timeout(Duration.ofSeconds(5))
                            .header("x-line-signature", WebhookSignature.sign(Secret.of(SECRET, "LINE_CHANNEL_SECRET"), payload))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Every handler run of every node so far. */
    List<Effect> effects() throws IOException {
        List<Effect> all = new ArrayList<>();
        for (Node n : nodes) {
            if (Files.exists(n.effects())) {
                for (String l : Files.readAllLines(n.effects())) {
                    String[] f = l.split(" ");
                    if (f.length == 5) {
                        all.add(new Effect(f[0], f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4])));
                    }
                }
            }
        }
        return all;
    }

    /** The pushes that reached LINE, per event (the handler pushes "eventId node"), counting every answer. */
    Map<String, Long> pushesPerEvent(Predicate<LineRecorder.Push> which) {
        return line.pushes.stream().filter(which).collect(Collectors.groupingBy(KafkaNodes::eventOf, Collectors.counting()));
    }

    static String eventOf(LineRecorder.Push p) {
        return p.text().split(" ")[0];
    }

    /** The node that made the push. */
    static String senderOf(LineRecorder.Push p) {
        String[] f = p.text().split(" ");
        return f.length > 1 ? f[1] : "";
    }

    /** The conversation states as committed: lane to key to value. */
    Map<String, Map<String, String>> states() throws SQLException {
        Map<String, Map<String, String>> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:" + database, jdbcProperties()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT lane, key, value FROM conversation_state")) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), rs.getString(3));
            }
        }
        return out;
    }

    private static Properties jdbcProperties() {
        Properties props = new Properties();
        String password = TestPostgres.server().password();
        if (password != null && !password.isEmpty()) {
            props.setProperty("password", password);
        }
        return props;
    }

    /** The broker leading the most partitions of the events topic. */
    int busiestLeader() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", brokers.bootstrapServers()))) {
            TopicDescription d = admin.describeTopics(List.of(PREFIX + ".events")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(PREFIX + ".events");
            return d.partitions().stream().map(TopicPartitionInfo::leader).filter(l -> l != null)
                    .collect(Collectors.groupingBy(l -> l.id(), Collectors.counting()))
                    .entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        }
    }

    /** The last lines of a node's log, for a failure's message. */
    String tail(Node n) throws IOException {
        List<String> lines = Files.readAllLines(n.log());
        return n.name() + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** The warnings and errors in the nodes' logs, for a failure's message. */
    String problems() throws IOException {
        StringBuilder out = new StringBuilder();
        for (Node n : nodes) {
            Files.readAllLines(n.log()).stream()
                    .filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("Exception")).limit(20)
                    .forEach(l -> out.append(n.name()).append(": ").append(l).append('\n'));
        }
        return out.toString();
    }

    /**
     * The longest time, in seconds, between {@code fromNanos} and {@code toNanos} without a push arriving at
     * LINE for a conversation in {@code users} (the window's ends count as arrivals).
     */
    double longestGap(long fromNanos, long toNanos, Predicate<String> users) {
        long last = fromNanos;
        long longest = 0;
        for (long t : line.pushes.stream().filter(p -> users.test(p.to())).mapToLong(LineRecorder.Push::atNanos)
                .filter(t -> t >= fromNanos && t <= toNanos).sorted().toArray()) {
            longest = Math.max(longest, t - last);
            last = t;
        }
        return Math.max(longest, toNanos - last) / 1e9;
    }

    /**
     * A steady stream of one-event webhooks, one every {@code every}, for users {@code firstUser} to
     * {@code firstUser + users - 1} in turn, to the nodes of {@code to} in turn (a list the test may change
     * meanwhile); a webhook not answered 200 is sent again, with the same {@code webhookEventId}, to the next
     * node, as LINE redelivers.
     */
    Webhooks stream(List<Node> to, int firstUser, int users, Duration every) {
        return new Webhooks(to, firstUser, users, every);
    }

    /** The webhooks a stream sent, and what they were answered. */
    final class Webhooks implements AutoCloseable {
        /** Event id to user, for every event answered 200. */
        final Map<String, String> acked = new ConcurrentHashMap<>();
        /** Per user, the events answered 200, in the order they were (each sent only after the one before). */
        final Map<String, List<String>> ackedInOrder = new ConcurrentHashMap<>();
        final AtomicInteger refused = new AtomicInteger();
        /** Webhooks answered 200, with when ({@link System#nanoTime()}). */
        final List<Long> ackTimes = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        private Webhooks(List<Node> to, int firstUser, int users, Duration every) {
            thread = new Thread(() -> {
                int sent = 0;
                long next = System.nanoTime();
                while (running.get()) {
                    String userId = user(firstUser + sent % users);
                    String id = Ulid.next();
                    for (int attempt = 0; running.get(); attempt++) {
                        Node node = to.get(Math.floorMod(sent + attempt, to.size()));
                        if (send(node, text(userId, id, "x", attempt > 0)) == 200) {
                            acked.put(id, userId);
                            ackedInOrder.computeIfAbsent(userId, u -> new CopyOnWriteArrayList<>()).add(id);
                            ackTimes.add(System.nanoTime());
                            break;
                        }
                        refused.incrementAndGet();
                        pause(50);
                    }
                    sent++;
                    next += every.toNanos();
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        pause(TimeUnit.NANOSECONDS.toMillis(wait));
                    } else {
                        next = System.nanoTime(); // behind: no burst to catch up
                    }
                }
            }, "webhook-stream");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends a signal (KILL, TERM, STOP, CONT) to a process: {@code kill -NAME pid}. */
    static void signal(String name, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + pid + " failed");
        }
    }

    /** Where the bot's classes were compiled: kept off the nodes' class path, so that only the jar provides the bot. */
    private static Path botClasses() throws URISyntaxException {
        return Path.of(CountingBotFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static String classPathWithout(Path excluded) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).toAbsolutePath().normalize().equals(excluded.toAbsolutePath().normalize()))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** A jar holding the bot's package and its service entry. */
    private static Path writeBotJar(Path jar) throws Exception {
        Path root = botClasses();
        String pkg = CountingBotFactory.class.getPackageName().replace('.', '/');
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> classes = Files.list(root.resolve(pkg))) {
            for (Path c : classes.toList()) {
                out.putNextEntry(new JarEntry(pkg + "/" + c.getFileName()));
                out.write(Files.readAllBytes(c));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + BotFactory.class.getName()));
            out.write((CountingBotFactory.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
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
        brokers.close();
    }
}
