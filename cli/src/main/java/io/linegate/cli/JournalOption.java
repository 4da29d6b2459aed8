package io.linegate.cli;

import io.linegate.journal.kafka.KafkaClientSettings;
import io.linegate.journal.kafka.KafkaJournal;
import io.linegate.journal.kafka.KafkaLocation;
import io.linegate.runtime.LinegateRuntime;
import io.linegate.runtime.RuntimeConfig;
import io.linegate.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * {@code --journal kafka://host:9092[,host:9092...]/PREFIX}: webhook events journaled on Apache Kafka
 * rather than in the store, which keeps everything else ({@code --store}: SQLite for one node,
 * PostgreSQL for several); {@code --kafka-properties FILE} holds the clients' SASL and TLS settings
 * (never logged). Without {@code --journal} the store is the journal, as always.
 */
final class JournalOption {
    @Option(names = "--journal", paramLabel = "kafka://HOST:PORT[,HOST:PORT...]/PREFIX",
            description = "Journal webhook events on Apache Kafka (topic PREFIX.events, consumer group PREFIX.handlers);"
                    + " --store keeps the rest. Default: the store is the journal.")
    String journal;

    @Option(names = "--kafka-properties", paramLabel = "FILE",
            description = "Kafka client settings for --journal (security.protocol, sasl.*, ssl.*); never logged.")
    Path kafkaProperties;

    private Store database;
    private KafkaJournal kafka;

    /** The runtime on the store alone, or on the store with the journal on Kafka; a refusal is one line (exit 2). */
    LinegateRuntime open(RuntimeConfig config) {
        if (journal == null) {
            if (kafkaProperties != null) {
                throw new IllegalArgumentException("--kafka-properties is for --journal kafka://...; there is no --journal");
            }
            return LinegateRuntime.open(config);
        }
        KafkaLocation location = KafkaLocation.parse(journal);
        if (kafkaProperties != null && !Files.isReadable(kafkaProperties)) {
            throw new IllegalArgumentException("--kafka-properties " + kafkaProperties + " cannot be read");
        }
        database = Store.open(config.storeLocation(), Store.Options.defaults().clock(config.clock())
                .leaseTime(config.dispatch().leaseTime()));
        try {
            KafkaJournal.Builder b = KafkaJournal.builder(location, database).clock(config.clock());
            if (kafkaProperties != null) {
                b.properties(kafkaProperties);
            }
            kafka = b.start();
            return LinegateRuntime.open(config, kafka.store());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The Kafka journal named by {@code --journal}, with its checked {@code --kafka-properties}; null without {@code --journal}. */
    KafkaLocation kafka() {
        if (journal == null) {
            if (kafkaProperties != null) {
                throw new IllegalArgumentException("--kafka-properties is for --journal kafka://...; there is no --journal");
            }
            return null;
        }
        KafkaLocation location = KafkaLocation.parse(journal);
        if (kafkaProperties != null && !Files.isReadable(kafkaProperties)) {
            throw new IllegalArgumentException("--kafka-properties " + kafkaProperties + " cannot be read");
        }
        return location;
    }

    /** The clients' settings of {@code --kafka-properties} (none without it); never printed. */
    Properties kafkaSettings() {
        return KafkaClientSettings.load(kafkaProperties);
    }

    /** Closes what {@link #open} opened beside the runtime (the runtime first: its caller closes it). */
    void close() {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
        if (database != null) {
            database.close();
            database = null;
        }
    }
}
