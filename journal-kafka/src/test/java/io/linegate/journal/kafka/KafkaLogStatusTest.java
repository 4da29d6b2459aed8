package io.linegate.journal.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.linegate.store.EventJournal.StoredEvent;
import io.linegate.store.LogStatus;
import io.linegate.webhook.Dispatcher;
import io.linegate.webhook.Webhooks;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What operators see of the events topic: lag per partition, holders, the oldest unfinished event's age. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KafkaLogStatusTest extends OnOneBroker {
    private static int topics;

    private KafkaJournal journal(KafkaLocation where, String node) {
        KafkaJournal j = KafkaJournal.builder(where, database).nodeId(node).sessionTimeout(Duration.ofSeconds(6))
                .statusPeriod(Duration.ofMillis(300)).start();
        open.add(j);
        return j;
    }

    private KafkaLogStatus status(KafkaLocation where) {
        return status(where, Duration.ofSeconds(10));
    }

    private KafkaLogStatus status(KafkaLocation where, Duration timeout) {
        KafkaLogStatus s = KafkaLogStatus.open(where, database, new Properties(), timeout);
        open.add(s);
        return s;
    }

    @Test
    void withEventsWaitingTheStatusShowsTheLagPerPartitionAndItsHolderAndAfterTheyAreHandledTheLagIsZero() throws Exception {
        KafkaLocation where = brokers.topic("s" + (++topics), 2);
        KafkaJournal kafka = journal(where, "node-a");
        String user = Webhooks.user(1);
        for (int n = 0; n < 3; n++) {
            kafka.store().journal().append(Webhooks.body(Webhooks.text(user, "w" + n, String.valueOf(n), false)),
                    Instant.now().minusSeconds(30)).get(20, TimeUnit.SECONDS);
        }
        KafkaLogStatus status = status(where);
        // The partition is taken (claimed) once the group has given it to the node.
        await().atMost(30, TimeUnit.SECONDS).until(() -> status.snapshot().members().stream()
                .anyMatch(m -> m.node().equals("node-a") && m.partitions().size() == 2));

        LogStatus.Snapshot waiting = status.snapshot();
        assertThat(waiting.problem()).isNull();
        assertThat(waiting.partitions()).hasSize(2).allSatisfy(p -> assertThat(p.holder()).isEqualTo("node-a"));
        assertThat(waiting.lag()).isEqualTo(3);
        LogStatus.Partition busy = waiting.partitions().stream().filter(p -> p.lag() > 0).findFirst().orElseThrow();
        assertThat(busy.lag()).as("one conversation, one partition").isEqualTo(3);
        assertThat(busy.end()).isEqualTo(3);
        assertThat(waiting.oldest()).as("the receipt time is the record's").isGreaterThanOrEqualTo(Duration.ofSeconds(30));

        CountDownLatch handled = new CountDownLatch(3);
        Dispatcher d = Dispatcher.builder(kafka.store(), ctx -> handled.countDown()).workers(2)
                .leases(Duration.ofSeconds(3), Duration.ofMillis(200)).build().start();
        open.add(() -> d.close(Duration.ofSeconds(5)));
        assertThat(handled.await(30, TimeUnit.SECONDS)).isTrue();

        await().atMost(10, TimeUnit.SECONDS).until(() -> status.snapshot().lag() == 0);
        LogStatus.Snapshot after = status.snapshot();
        assertThat(after.partitions()).allSatisfy(p -> assertThat(p.lag()).isZero());
        assertThat(after.partition(busy.partition()).orElseThrow().position()).isEqualTo(3);
        assertThat(after.oldest()).as("nothing unfinished").isNull();
        // The node's own view (its meters) comes to the same figures from its periodic reading.
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            LogStatus.Snapshot node = kafka.store().cluster().log().orElseThrow().snapshot();
            assertThat(node.problem()).isNull();
            assertThat(node.lag()).isZero();
            assertThat(node.partitions()).extracting(LogStatus.Partition::holder).containsOnly("node-a");
        });
    }

    @Test
    void eventsFinishedAboveThePositionAreNotCountedAsLag() throws Exception {
        KafkaLocation where = brokers.topic("s" + (++topics), 1);
        KafkaJournal kafka = journal(where, "node-a");
        for (int u = 0; u < 3; u++) {
            kafka.store().journal().append(Webhooks.body(Webhooks.text(Webhooks.user(10 + u), "f" + u, "x", false)),
                    Instant.now()).get(20, TimeUnit.SECONDS);
        }
        List<StoredEvent> fetched = fetched(kafka, 0, 3);
        // The last two finish while the first still runs: the position stays at offset 0.
        kafka.store().journal().complete(fetched.get(2).seq(), fetched.get(2).lane(), Map.of()).get(10, TimeUnit.SECONDS);
        kafka.store().journal().complete(fetched.get(1).seq(), fetched.get(1).lane(), Map.of()).get(10, TimeUnit.SECONDS);

        LogStatus.Partition p = status(where).snapshot().partition(0).orElseThrow();
        assertThat(p.position()).isZero();
        assertThat(p.end()).isEqualTo(3);
        assertThat(p.lag()).as("only the first is unfinished").isEqualTo(1);
    }

    @Test
    void preflightReadsTheTopicsDurabilitySettingsAndWarnsBelowTwoInSyncReplicasOrThreeReplicas() throws Exception {
        KafkaLocation where = brokers.topic("s" + (++topics), 3, Map.of("min.insync.replicas", "1"));

        KafkaTopicSettings settings = KafkaTopicSettings.read(where, new Properties(), Duration.ofSeconds(10));

        assertThat(settings.partitions()).isEqualTo(3);
        assertThat(settings.replicationFactor()).isEqualTo(1);
        assertThat(settings.minInsyncReplicas()).isEqualTo(1);
        assertThat(settings.members()).isZero();
        assertThat(settings.warnings()).hasSize(2).anySatisfy(w -> assertThat(w).contains("min.insync.replicas=1"))
                .anySatisfy(w -> assertThat(w).contains("replication factor 1"));
        assertThat(new KafkaTopicSettings(where, 6, 3, 2, 6).warnings()).isEmpty();
        assertThat(new KafkaTopicSettings(where, 2, 3, 2, 3).warnings()).singleElement().asString()
                .contains("2 partitions for 3 nodes: 1 of them handle nothing");
    }

    @Test
    void preflightOnAMissingTopicOrSilentBrokersIsOneLineNamingTheServers() {
        assertThatThrownBy(() -> KafkaTopicSettings.read(KafkaLocation.parse("kafka://" + brokers.bootstrap() + "/absent"),
                new Properties(), Duration.ofSeconds(10)))
                .isInstanceOf(KafkaJournal.KafkaJournalException.class)
                .hasMessage("Kafka at " + brokers.bootstrap() + ": the events topic absent.events does not exist");
        assertThatThrownBy(() -> KafkaTopicSettings.read(KafkaLocation.parse("kafka://127.0.0.1:1/none"), new Properties(),
                Duration.ofSeconds(2)))
                .isInstanceOf(KafkaJournal.KafkaJournalException.class)
                .hasMessage("Kafka at 127.0.0.1:1: no broker answered within 2 s");
    }

    @Test
    void brokersThatDoNotAnswerAreOneLineNamingThemNotFigures() {
        LogStatus.Snapshot s = status(KafkaLocation.parse("kafka://127.0.0.1:1/none"), Duration.ofSeconds(2)).snapshot();
        assertThat(s.partitions()).isEmpty();
        assertThat(s.problem()).isEqualTo("Kafka at 127.0.0.1:1: no answer within 2 s").doesNotContain("\n");
    }
}
