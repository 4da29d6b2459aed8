package io.linegate.cli.preflight;

import io.linegate.journal.kafka.KafkaTopicSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The events topic of a journal on Apache Kafka ({@code --journal}), read before the checklist runs:
 * a webhook is acknowledged once {@code min.insync.replicas} brokers have it, so below 2 an
 * acknowledged event can be lost with one broker (warn), as with a replication factor below 3 (warn);
 * a group with more nodes than partitions leaves nodes idle (warn). A topic that is missing or brokers
 * that do not answer are refused before any check (exit code 2).
 */
public final class KafkaTopicCheck extends Check {
    private final KafkaTopicSettings topic;

    public KafkaTopicCheck(KafkaTopicSettings topic) {
        super("ops.journal.kafka", "the Kafka journal's events topic", Guidelines.PROCESSING);
        this.topic = topic;
    }

    @Override
    public CheckResult run(Deployment d) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("topic", topic.location().eventsTopic());
        details.put("partitions", topic.partitions());
        details.put("replicationFactor", topic.replicationFactor());
        details.put("minInsyncReplicas", topic.minInsyncReplicas());
        details.put("nodes", topic.members());
        if (!topic.warnings().isEmpty()) {
            return result(Status.WARN, String.join("; ", topic.warnings()), details);
        }
        return result(Status.PASS, topic.location().eventsTopic() + ": " + topic.partitions() + " partitions, replication factor "
                + topic.replicationFactor() + ", min.insync.replicas=" + topic.minInsyncReplicas(), details);
    }
}
