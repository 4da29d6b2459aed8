package io.linegate.journal.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** Real KRaft brokers in the test's JVM (Apache Kafka's own test kit): one cluster per test class. */
final class Brokers implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private Brokers(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** {@code brokers} brokers, the first also the KRaft controller. */
    static Brokers start(int brokers) throws Exception {
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(brokers).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", String.valueOf(brokers))
                .setConfigProp("offsets.topic.num.partitions", "2")
                .setConfigProp("transaction.state.log.replication.factor", String.valueOf(brokers))
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new Brokers(cluster);
    }

    String bootstrap() {
        return cluster.bootstrapServers();
    }

    KafkaClusterTestKit kit() {
        return cluster;
    }

    /** Creates {@code PREFIX.events} with {@code partitions} partitions; returns the journal's location. */
    KafkaLocation topic(String prefix, int partitions, Map<String, String> configs) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            NewTopic t = new NewTopic(prefix + ".events", partitions, (short) 1).configs(configs);
            admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
        }
        return KafkaLocation.parse("kafka://" + bootstrap() + "/" + prefix);
    }

    KafkaLocation topic(String prefix, int partitions) throws Exception {
        return topic(prefix, partitions, Map.of());
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
