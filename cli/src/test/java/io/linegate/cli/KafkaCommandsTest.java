package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linegate.cli.preflight.CheckResult;
import io.linegate.cli.preflight.KafkaTopicCheck;
import io.linegate.cli.preflight.Status;
import io.linegate.journal.kafka.KafkaJournal;
import io.linegate.journal.kafka.KafkaLocation;
import io.linegate.journal.kafka.KafkaTopicSettings;
import io.linegate.store.Store;
import io.linegate.store.TestPostgres;
import io.linegate.webhook.Dispatcher;
import io.linegate.webhook.Webhooks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The operator commands on a journal on Apache Kafka, against one real KRaft broker (shared by the class). */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaCommandsTest {
    private static KafkaClusterTestKit broker;
    private static int topics;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "2")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        broker.format();
        broker.startup();
        broker.waitForReadyBrokers();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    static KafkaLocation topic(int partitions, Map<String, String> configs) throws Exception {
        String prefix = "c" + (++topics);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(prefix + ".events", partitions, (short) 1).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        return KafkaLocation.parse("kafka://" + broker.bootstrapServers() + "/" + prefix);
    }

    private Store database(String location) {
        Store s = Store.open(location);
        open.add(s);
        return s;
    }

    private KafkaJournal node(KafkaLocation where, Store database, String id) {
        KafkaJournal j = KafkaJournal.builder(where, database).nodeId(id).sessionTimeout(Duration.ofSeconds(6)).start();
        open.add(j);
        return j;
    }

    @Test
    void clusterStatusShowsTheLagPerPartitionAndItsHolderAndNoLagOnceHandled() throws Exception {
        String location = TestPostgres.server().newDatabase();
        KafkaLocation where = topic(2, Map.of());
        KafkaJournal kafka = node(where, database(location), "node-a");
        for (int n = 0; n < 4; n++) {
            kafka.store().journal().append(Webhooks.body(Webhooks.text(Webhooks.user(1), "s" + n, "x", false)), Instant.now())
                    .get(20, TimeUnit.SECONDS);
        }
        String[] status = {"cluster", "status", "--store", location, "--journal", where.toString()};
        // Once the group has given both partitions to the node: 4 events wait in one of them.
        await().atMost(30, TimeUnit.SECONDS).until(() -> Cli.run(Map.of(), status).out.matches("(?s).*node-a\\s+2\\s+0-1\\R.*"));
        Cli waiting = Cli.run(Map.of(), status);
        assertThat(waiting.exitCode).as(waiting.err).isZero();
        assertThat(waiting.out).contains(where + " (topic " + where.eventsTopic() + ", group " + where.group() + "): 2 partitions,"
                        + " 4 events not finished")
                .containsPattern("(?m)^\\s+\\d\\s+4\\s+0\\s+4\\s+node-a$")
                .containsPattern("(?m)^\\s+\\d\\s+0\\s+0\\s+0\\s+node-a$")
                .containsPattern("oldest unfinished event: \\d+\\.\\d s old");

        CountDownLatch handled = new CountDownLatch(4);
        Dispatcher d = Dispatcher.builder(kafka.store(), ctx -> handled.countDown()).workers(2)
                .leases(Duration.ofSeconds(3), Duration.ofMillis(200)).build().start();
        open.add(() -> d.close(Duration.ofSeconds(5)));
        assertThat(handled.await(30, TimeUnit.SECONDS)).isTrue();

        await().atMost(10, TimeUnit.SECONDS).until(() -> Cli.run(Map.of(), status).out.contains("0 events not finished"));
        Cli after = Cli.run(Map.of(), status);
        assertThat(after.out).containsPattern("(?m)^\\s+\\d\\s+4\\s+4\\s+0\\s+node-a$")
                .contains("oldest unfinished event: none");
    }

    @Test
    void eventsReplayPutsADeadLetterBackOntoTheEventsTopicWhereTheNodeHandlesItOnce() throws Exception {
        String location = TestPostgres.server().newDatabase();
        KafkaLocation where = topic(1, Map.of());
        Store database = database(location);
        KafkaJournal kafka = node(where, database, "node-a");
        AtomicBoolean broken = new AtomicBoolean(true);
        Map<String, Integer> handled = new ConcurrentHashMap<>();
        Dispatcher d = Dispatcher.builder(kafka.store(), ctx -> {
            if (broken.get()) {
                throw new IllegalStateException("a bug in the handler");
            }
            handled.merge(ctx.eventId(), 1, Integer::sum);
        }).workers(2).maxAttempts(1).leases(Duration.ofSeconds(3), Duration.ofMillis(200)).build().start();
        open.add(() -> d.close(Duration.ofSeconds(5)));
        kafka.store().journal().append(Webhooks.body(Webhooks.text(Webhooks.user(2), "dead-1", "x", false)), Instant.now())
                .get(20, TimeUnit.SECONDS);
        await().atMost(30, TimeUnit.SECONDS).until(() -> database.deadLetters().waiting() == 1);
        long id = database.deadLetters().list(1).get(0).id();
        broken.set(false);

        Cli replay = Cli.run(Map.of(), "events", "replay", String.valueOf(id), "--store", location, "--journal", where.toString());

        assertThat(replay.exitCode).as(replay.err).isZero();
        assertThat(replay.out.strip()).isEqualTo("dead letter " + id + " put back onto " + where.eventsTopic()
                + " at offset 1 of its conversation's partition");
        await().atMost(30, TimeUnit.SECONDS).until(() -> handled.containsKey("dead-1"));
        Cli again = Cli.run(Map.of(), "events", "replay", String.valueOf(id), "--store", location, "--journal", where.toString());
        assertThat(again.exitCode).isEqualTo(1);
        assertThat(again.err).contains("no dead letter " + id + " waiting for replay");
        assertThat(handled).containsExactlyEntriesOf(Map.of("dead-1", 1));
    }

    @Test
    void preflightRefusesAMissingEventsTopicInOneLineAndWarnsOfAnUnreplicatedOne() throws Exception {
        String missing = "kafka://" + broker.bootstrapServers() + "/absent";
        Cli cli = Cli.run(Map.of("LINE_CHANNEL_ACCESS_TOKEN", "token-not-shown", "LINE_CHANNEL_SECRET", "5ec7e75ec7e75ec7e75ec7e75ec7e7aa"), "preflight", "--url", "https://bot.example/webhook",
                "--journal", missing);
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err.strip().lines()).singleElement().asString()
                .isEqualTo("linegate preflight: Kafka at " + broker.bootstrapServers() + ": the events topic absent.events does not exist")
                .doesNotContain("5ec7e75ec7e75ec7e75ec7e75ec7e7aa", "token-not-shown");

        KafkaLocation where = topic(2, Map.of("min.insync.replicas", "1"));
        CheckResult result = new KafkaTopicCheck(KafkaTopicSettings.read(where, new Properties(), Duration.ofSeconds(10))).run(null);
        assertThat(result.status()).isEqualTo(Status.WARN);
        assertThat(result.reason()).contains(where.eventsTopic() + " has min.insync.replicas=1")
                .contains("replication factor 1");
    }

    @Test
    void clusterStatusOnBrokersThatDoNotAnswerIsOneLineNamingThem() {
        String location = TestPostgres.server().newDatabase();
        Store.open(location).close();
        Cli cli = Cli.run(Map.of(), "cluster", "status", "--store", location, "--journal", "kafka://127.0.0.1:1/none",
                "--timeout", "PT2S");
        assertThat(cli.exitCode).isEqualTo(1);
        assertThat(cli.err.strip()).isEqualTo("Kafka at 127.0.0.1:1: no answer within 2 s");
    }
}
