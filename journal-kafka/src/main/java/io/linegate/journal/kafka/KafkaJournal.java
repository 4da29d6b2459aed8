package io.linegate.journal.kafka;

import io.linegate.core.Defaults;
import io.linegate.store.Cluster;
import io.linegate.store.DeadLetters;
import io.linegate.store.EventJournal;
import io.linegate.store.LogPositions;
import io.linegate.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Apache Kafka as the journal of webhook events, beside a database store (SQLite for one node,
 * PostgreSQL for several) that keeps everything else and the journal's positions. A webhook is
 * acknowledged once its events are in the events topic (keyed by conversation, {@code acks=all},
 * idempotent producer); the nodes form one consumer group (cooperative rebalancing) and each handles
 * the partitions the group gives it, through the same {@code Dispatcher} as the database journals
 * (per-conversation lanes, retries, dead letters). An event is finished in one database transaction
 * with its conversation state, its done-mark and its partition's position, fenced by the epoch the
 * node raised when it took the partition.
 *
 * <pre>{@code
 * KafkaJournal kafka = KafkaJournal.builder(KafkaLocation.parse("kafka://k1:9092/mybot"), database).start();
 * LinegateRuntime runtime = LinegateRuntime.open(config, kafka.store());
 * }</pre>
 */
public final class KafkaJournal implements AutoCloseable {
    private final KafkaLocation location;
    private final KafkaProducer<String, byte[]> producer;
    private final ConsumerLoop loop;
    private final Thread consumerThread;
    private final KafkaEventJournal journal;
    private final GroupCluster cluster;
    private final LogPositions positions;
    private final Store store;
    private final LogMonitor status;
    private final KafkaDeadLetters deadLetters;
    private volatile boolean closed;

    private KafkaJournal(Builder b, int partitions) {
        this.location = b.location;
        String nodeId = b.nodeId != null ? b.nodeId : b.database.cluster().nodeId();
        Fetched fetched = new Fetched();
        this.positions = b.positions;
        this.producer = new KafkaProducer<>(producerConfig(b), new StringSerializer(), new ByteArraySerializer());
        knowTheTopic(producer, location, b.startCheck);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig(b, nodeId), new StringDeserializer(),
                new ByteArrayDeserializer());
        this.loop = new ConsumerLoop(consumer, location.eventsTopic(), nodeId, positions, fetched, b.maxBuffered,
                GroupCluster.silence(b.sessionTimeout), b.handoverWait);
        this.journal = new KafkaEventJournal(producer, location.eventsTopic(), b.database.journal(), positions, fetched,
                b.clock, location.bootstrapServers());
        this.status = new LogMonitor(() -> new KafkaLogStatus(location, positions, b.properties, b.startCheck, b.clock),
                b.statusPeriod, location.toString());
        this.cluster = new GroupCluster(partitions, nodeId, fetched, this::stopConsuming, b.clock, b.sessionTimeout, status);
        this.deadLetters = new KafkaDeadLetters(b.database, producer, false, location);
        this.store = new KafkaStore(b.database, this);
        this.consumerThread = new Thread(loop, "linegate-kafka-consumer");
        consumerThread.setDaemon(true);
        consumerThread.start();
    }

    /** A journal on {@code location} beside {@code database} (a SQLite or PostgreSQL store). */
    public static Builder builder(KafkaLocation location, Store database) {
        return new Builder(location, database);
    }

    /** The database's store with this journal and the consumer group as its journal and cluster; closing it closes this. */
    public Store store() {
        return store;
    }

    EventJournal journal() {
        return journal;
    }

    Cluster cluster() {
        return cluster;
    }

    /** The store's dead letters, replayed onto the events topic. */
    DeadLetters deadLetters() {
        return deadLetters;
    }

    /** Each partition's committed position in the database (the offset a takeover reads from). */
    public Map<Integer, Long> committedPositions() {
        return positions.positions();
    }

    public KafkaLocation location() {
        return location;
    }

    /**
     * Fetches the topic's metadata before the first webhook: a send never waits for it (without it, the
     * webhook is answered 503 at once).
     */
    private static void knowTheTopic(KafkaProducer<String, byte[]> producer, KafkaLocation location, Duration within) {
        long until = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                producer.partitionsFor(location.eventsTopic());
                return;
            } catch (KafkaException e) {
                // partitionsFor does not wait (max.block.ms is 0): it asks the producer's thread for the metadata
                pause(100);
                if (System.nanoTime() - until > 0) {
                    producer.close(Duration.ZERO);
                    throw new KafkaJournalException("Kafka at " + location.bootstrapServers() + ": the producer could not read the"
                            + " metadata of " + location.eventsTopic() + " within "
                            + within.toSeconds() + " s (" + e.getClass().getSimpleName() + ")");
                }
            }
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaJournalException("interrupted while reading the metadata of the events topic");
        }
    }

    /** Stops fetching and leaves the consumer group (the other nodes take the partitions at once). */
    private void stopConsuming() {
        loop.stop();
        try {
            consumerThread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Leaves the group, then flushes and closes the producer; the database store stays open (its owner closes it). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopConsuming();
        status.close();
        producer.close(Duration.ofSeconds(5));
    }

    private static Properties common(Builder b) {
        Properties p = new Properties();
        p.putAll(b.properties);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, b.location.bootstrapServers());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "linegate-" + b.location.prefix());
        return p;
    }

    private static Properties producerConfig(Builder b) {
        Properties p = common(b);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5"); // the most that keeps order with idempotence
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        // send() runs on a request thread (an event loop) and must never block it: when the producer's memory is
        // full, or the topic's metadata is gone (the brokers away), it fails at once and the webhook is answered
        // 503, while the producer fetches the metadata again in the background. The metadata is read before
        // the first webhook (knowTheTopic).
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "0");
        // Keep the topic's metadata however long the bot is idle, so that the first webhook after a quiet night does
        // not wait for it (the default forgets a topic unused for 5 minutes).
        p.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, String.valueOf(Duration.ofDays(1).toMillis()));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        return p;
    }

    private static Properties consumerConfig(Builder b, String nodeId) {
        Properties p = common(b);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, b.location.group());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "linegate-" + b.location.prefix() + "-" + nodeId);
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"); // positions are the database's
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(b.sessionTimeout.toMillis()));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, String.valueOf(Math.max(100, b.sessionTimeout.toMillis() / 5)));
        return p;
    }

    /** Options with safe defaults; {@link #start} checks the brokers and the topic before anything runs. */
    public static final class Builder {
        private final KafkaLocation location;
        private final Store database;
        private final Properties properties = new Properties();
        private String nodeId;
        private int maxBuffered = Defaults.KAFKA_BUFFERED_EVENTS;
        private Duration sessionTimeout = Defaults.KAFKA_SESSION_TIMEOUT;
        private Duration startCheck = Defaults.KAFKA_START_CHECK;
        private Duration statusPeriod = Defaults.KAFKA_STATUS_PERIOD;
        private Duration handoverWait = Defaults.KAFKA_HANDOVER_WAIT;
        private Clock clock = Clock.systemUTC();
        private LogPositions positions;

        private Builder(KafkaLocation location, Store database) {
            this.location = Objects.requireNonNull(location, "location");
            this.database = Objects.requireNonNull(database, "database");
        }

        /**
         * Client settings for every client (SASL, TLS: {@code security.protocol}, {@code sasl.jaas.config}, ...),
         * read from a properties file; linegate's own settings (acks, idempotence, the group) win. The values
         * are never logged.
         */
        public Builder properties(Path file) {
            properties.putAll(KafkaClientSettings.load(file));
            return this;
        }

        /** Client settings given directly (see {@link #properties(Path)}). */
        public Builder properties(Map<String, String> settings) {
            properties.putAll(settings);
            return this;
        }

        /** This node's name in the group and in the partitions' owner column (default: the database store's node id). */
        public Builder nodeId(String id) {
            this.nodeId = Objects.requireNonNull(id, "nodeId");
            return this;
        }

        /** Events fetched and not finished before fetching pauses. */
        public Builder maxBuffered(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxBuffered must be at least 1, was " + n);
            }
            this.maxBuffered = n;
            return this;
        }

        /** How long a silent node keeps its partitions in the group (Kafka's {@code session.timeout.ms}). */
        public Builder sessionTimeout(Duration d) {
            this.sessionTimeout = Objects.requireNonNull(d, "sessionTimeout");
            return this;
        }

        /** How long the start waits for the brokers. */
        public Builder startCheck(Duration d) {
            this.startCheck = Objects.requireNonNull(d, "startCheck");
            return this;
        }

        /** How often the node reads the topic's lag, holders and oldest unfinished event for its meters. */
        public Builder statusPeriod(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("statusPeriod must be positive, was " + d);
            }
            this.statusPeriod = d;
            return this;
        }

        /**
         * How long a partition the group takes back waits for the handler runs in flight for it to end and commit
         * before it goes to its next holder (a run still going then is given up: its commit is refused, and the next
         * holder runs the event again).
         */
        public Builder handoverWait(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("handoverWait must not be negative, was " + d);
            }
            this.handoverWait = d;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Checks that the brokers answer and that the events topic exists, then starts producing and
         * consuming; a refusal is a {@link KafkaJournalException} whose message is one line naming the
         * bootstrap servers and the problem (never a credential).
         */
        public KafkaJournal start() {
            sessionTimeoutFromProperties();
            int partitions = describe();
            try {
                positions = database.logPositions(location.eventsTopic());
            } catch (UnsupportedOperationException e) {
                throw new IllegalArgumentException("the Kafka journal keeps its positions in a SQLite or PostgreSQL store: "
                        + e.getMessage());
            }
            return new KafkaJournal(this, partitions);
        }

        /**
         * {@code session.timeout.ms} in the client properties is the group's session timeout: this node's own
         * check of its silence ({@link GroupCluster#holds}) must use the same one as the group coordinator.
         */
        private void sessionTimeoutFromProperties() {
            String value = properties.getProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
            if (value == null) {
                return;
            }
            long ms;
            try {
                ms = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                ms = 0;
            }
            if (ms < 1) {
                throw new IllegalArgumentException("the Kafka property " + ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG
                        + " must be a positive number of milliseconds, was '" + value + "'");
            }
            sessionTimeout = Duration.ofMillis(ms);
        }

        private int describe() {
            String topic = location.eventsTopic();
            Properties p = common(this);
            int ms = (int) Math.min(Integer.MAX_VALUE, startCheck.toMillis());
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(ms));
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(ms));
            Admin admin = null;
            try {
                admin = Admin.create(p);
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(startCheck.toMillis(), TimeUnit.MILLISECONDS).get(topic);
                return d.partitions().size();
            } catch (TimeoutException e) {
                throw refused("no broker answered within " + startCheck.toSeconds() + " s");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof UnknownTopicOrPartitionException) {
                    throw refused("the events topic " + topic + " does not exist (create it, partitioned for the"
                            + " conversations handled in parallel, with replication factor 3 and min.insync.replicas=2)");
                }
                if (cause instanceof AuthenticationException) {
                    throw refused("authentication failed (check the SASL/TLS client properties)");
                }
                if (cause instanceof AuthorizationException) {
                    throw refused("not authorized to describe the events topic " + topic + " (check its ACLs)");
                }
                if (cause instanceof RetriableException) {
                    throw refused("no broker answered within " + startCheck.toSeconds() + " s");
                }
                throw refused(cause.getClass().getSimpleName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw refused("interrupted while asking the brokers");
            } catch (KafkaException e) {
                throw refused(e.getClass().getSimpleName() + " (check the Kafka properties)");
            } finally {
                if (admin != null) {
                    admin.close(Duration.ofSeconds(1)); // a call still trying brokers that do not answer is given up
                }
            }
        }

        private KafkaJournalException refused(String problem) {
            return new KafkaJournalException("Kafka at " + location.bootstrapServers() + ": " + problem);
        }
    }

    /** The journal cannot start on Kafka; the message is one line fit for an operator. */
    public static final class KafkaJournalException extends RuntimeException {
        KafkaJournalException(String message) {
            super(message, null, false, false);
        }
    }
}
