package io.linegate.journal.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The events topic's settings that decide durability and parallelism, for {@code linegate preflight}:
 * its partitions, its replication factor (the smallest of its partitions'), its
 * {@code min.insync.replicas}, and how many nodes the consumer group has now.
 *
 * @param partitions         the topic's partitions
 * @param replicationFactor  the fewest replicas of any partition
 * @param minInsyncReplicas  the topic's {@code min.insync.replicas} (a {@code 200} waits for this many copies)
 * @param members            the consumer group's members now (0 when no node runs)
 */
public record KafkaTopicSettings(KafkaLocation location, int partitions, int replicationFactor, int minInsyncReplicas,
                                 int members) {

    /** What to fix for production; empty when nothing. */
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        if (minInsyncReplicas < 2) {
            out.add(location.eventsTopic() + " has min.insync.replicas=" + minInsyncReplicas + ": an acknowledged webhook"
                    + " may be on one broker only, and is lost with it (set 2, with replication factor 3)");
        }
        if (replicationFactor < 3) {
            out.add(location.eventsTopic() + " has replication factor " + replicationFactor + ": with fewer than 3"
                    + " replicas the topic cannot keep min.insync.replicas=2 through one broker's loss");
        }
        if (members > partitions) {
            out.add(location.eventsTopic() + " has " + partitions + " partitions for " + members + " nodes: "
                    + (members - partitions) + " of them handle nothing (a node handles whole partitions)");
        }
        return out;
    }

    /**
     * Reads the settings; a {@link KafkaJournal.KafkaJournalException} whose message is one line naming the
     * bootstrap servers and the problem (never a credential) when the brokers do not answer within
     * {@code timeout}, the topic does not exist, or access is refused.
     */
    public static KafkaTopicSettings read(KafkaLocation location, Properties settings, Duration timeout) {
        String topic = location.eventsTopic();
        long wait = timeout.toMillis();
        Admin admin = null;
        try {
            admin = Admin.create(KafkaClientSettings.forClient(location, settings, "preflight", timeout));
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(wait, TimeUnit.MILLISECONDS).get(topic);
            int replicas = d.partitions().stream().mapToInt(KafkaTopicSettings::replicas).min().orElse(0);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(resource)).all().get(wait, TimeUnit.MILLISECONDS);
            ConfigEntry isr = configs.get(resource).get("min.insync.replicas");
            int minIsr = isr == null || isr.value() == null ? 1 : Integer.parseInt(isr.value());
            int members;
            try {
                ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(location.group())).all()
                        .get(wait, TimeUnit.MILLISECONDS).get(location.group());
                members = g.members().size();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
                members = 0;
            }
            return new KafkaTopicSettings(location, d.partitions().size(), replicas, minIsr, members);
        } catch (TimeoutException e) {
            throw refused(location, "no broker answered within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownTopicOrPartitionException) {
                throw refused(location, "the events topic " + topic + " does not exist");
            }
            if (cause instanceof AuthenticationException) {
                throw refused(location, "authentication failed (check the SASL/TLS client properties)");
            }
            if (cause instanceof AuthorizationException) {
                throw refused(location, "not authorized to describe " + topic + ", its settings or the group " + location.group());
            }
            if (cause instanceof RetriableException) {
                throw refused(location, "no broker answered within " + timeout.toSeconds() + " s");
            }
            throw refused(location, cause.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refused(location, "interrupted while asking the brokers");
        } catch (KafkaException e) {
            throw refused(location, e.getClass().getSimpleName() + " (check the Kafka properties)");
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(1)); // a call still trying brokers that do not answer is given up
            }
        }
    }

    private static KafkaJournal.KafkaJournalException refused(KafkaLocation location, String problem) {
        return new KafkaJournal.KafkaJournalException("Kafka at " + location.bootstrapServers() + ": " + problem);
    }

    private static int replicas(TopicPartitionInfo p) {
        return p.replicas().size();
    }
}
