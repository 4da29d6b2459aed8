package io.linegate.core;

import java.time.Duration;

/**
 * Every default a deployment can tune, in one place, with why it is what it is. The builders
 * ({@code Dispatcher.Builder}, {@code MessageSender.Builder}, {@code LinegateServer.Builder}), the
 * runtime's configuration, the Spring Boot properties and the command's options all start from these,
 * so that {@code linegate serve} and an application on the starter behave alike until told otherwise.
 * The text forms ({@code ..._TEXT}) are for annotations, which need constants.
 */
public final class Defaults {
    private Defaults() {}

    /** Conversations handled at once: enough to keep up with a 50 ms handler at about 600 events/s. */
    public static final int WORKERS = 32;
    /** Attempts of a failing handler, or of a send with a retry key, before it is given up. */
    public static final int MAX_ATTEMPTS = 5;
    /** Events loaded into memory at once; the rest waits on disk. */
    public static final int WINDOW = 10_000;

    /** How long a {@code webhookEventId} is remembered: LINE redelivers within a day at most. */
    public static final String DEDUPE_WINDOW_TEXT = "PT24H";
    public static final Duration DEDUPE_WINDOW = Duration.parse(DEDUPE_WINDOW_TEXT);

    /** On a shared store, how long a node's partitions stay its own without a heartbeat. */
    public static final String LEASE_TIME_TEXT = "PT10S";
    public static final Duration LEASE_TIME = Duration.parse(LEASE_TIME_TEXT);
    /** How often a node renews its partitions. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(1);

    /** The longest an acknowledgement waits for the store before it is answered 503 (LINE waits 2 s). */
    public static final String ACK_DEADLINE_TEXT = "PT1S";
    public static final Duration ACK_DEADLINE = Duration.parse(ACK_DEADLINE_TEXT);

    /** The largest webhook body accepted (413 above it); LINE's are a few KiB. */
    public static final long MAX_BODY_BYTES = 1024 * 1024;
    /** Request-body bytes held in memory at once by the whole server, in MiB (503 past it). */
    public static final int MAX_BODY_MEMORY_MIB = 64;
    public static final long MAX_BODY_MEMORY_BYTES = MAX_BODY_MEMORY_MIB * 1024L * 1024;
    /** A body slower than this is answered 408. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Connections the webhook listener accepts at once. */
    public static final int MAX_CONNECTIONS = 4096;
    /** HTTP/2 streams per connection. */
    public static final long MAX_STREAMS_PER_CONNECTION = 100;

    /** The longest a node warms its acknowledgement path before it takes traffic. */
    public static final String WARM_UP_TEXT = "PT20S";
    public static final Duration WARM_UP = Duration.parse(WARM_UP_TEXT);
    /** How long handlers in flight may finish when the node stops. */
    public static final Duration DRAIN = Duration.ofSeconds(10);

    /** How long an operator's console session lasts without use. */
    public static final Duration CONSOLE_IDLE_EXPIRY = Duration.ofMinutes(15);

    /** How long the API request log keeps an entry (the guidelines ask that logs be kept). */
    public static final String API_LOG_RETENTION_TEXT = "P30D";
    public static final Duration API_LOG_RETENTION = Duration.parse(API_LOG_RETENTION_TEXT);
    /** Whether the API request log keeps request bodies: off, redacted or full. */
    public static final String API_LOG_BODIES = "off";

    /** Connecting to the Messaging API. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Waiting for the Messaging API's answer. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    /** Apache Kafka as the journal: events fetched by a node and not finished before it stops fetching more. */
    public static final int KAFKA_BUFFERED_EVENTS = 10_000;
    /** Apache Kafka as the journal: how long a silent node keeps its partitions in the consumer group. */
    public static final Duration KAFKA_SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** Apache Kafka as the journal: how long the start waits for the brokers to describe the events topic. */
    public static final Duration KAFKA_START_CHECK = Duration.ofSeconds(10);
    /**
     * Apache Kafka as the journal: how long a node waits, when the group takes a partition back, for the handler runs
     * in flight for it to end and commit before it lets the partition go (far below the group's
     * {@code max.poll.interval.ms}, 5 minutes by default, past which the group would drop the node).
     */
    public static final Duration KAFKA_HANDOVER_WAIT = Duration.ofSeconds(5);
    /** Apache Kafka as the journal: how often a node reads the events topic's lag, holders and oldest event for its meters. */
    public static final Duration KAFKA_STATUS_PERIOD = Duration.ofSeconds(10);
}
