package io.linegate.journal.kafka;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Where the journal lives on Apache Kafka: {@code kafka://host1:9092,host2:9092/PREFIX}. The prefix
 * names the events topic ({@code PREFIX.events}) and the consumer group of the nodes
 * ({@code PREFIX.handlers}). Credentials never go here: SASL and TLS settings come from a
 * properties file (see {@link KafkaJournal.Builder#properties}).
 *
 * @param bootstrapServers the brokers to ask first, as given ({@code host:port}, comma-separated)
 * @param prefix           the topic and group prefix
 */
public record KafkaLocation(String bootstrapServers, String prefix) {
    private static final String SCHEME = "kafka://";
    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._\\-]+:[0-9]{1,5}|\\[[0-9A-Fa-f:.]+\\]:[0-9]{1,5}");
    // Kafka topic names: ASCII letters, digits, '.', '_' and '-', at most 249; ".events" is added.
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._\\-]{1,200}");

    /** Whether {@code location} names a Kafka journal (whatever else is wrong with it). */
    public static boolean isKafka(String location) {
        return location != null && location.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /** Parses {@code kafka://host:port[,host:port...]/PREFIX}; the message of a refusal names what is wrong. */
    public static KafkaLocation parse(String location) {
        if (!isKafka(location)) {
            throw new IllegalArgumentException("a Kafka journal is kafka://host:port[,host:port...]/PREFIX, not " + location);
        }
        String rest = location.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash < 0 || slash == rest.length() - 1) {
            throw new IllegalArgumentException(location + ": the topic prefix is missing (kafka://host:port/PREFIX)");
        }
        String servers = rest.substring(0, slash);
        String prefix = rest.substring(slash + 1);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException(location + ": no bootstrap server (kafka://host:port/PREFIX)");
        }
        for (String server : servers.split(",", -1)) {
            if (!HOST_PORT.matcher(server).matches()) {
                throw new IllegalArgumentException(location + ": '" + server + "' is not host:port");
            }
            int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException(location + ": port " + port + " of '" + server + "' is not 1 to 65535");
            }
        }
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException(location + ": the prefix '" + prefix + "' may hold only letters, digits,"
                    + " '.', '_' and '-' (at most 200)");
        }
        return new KafkaLocation(servers, prefix);
    }

    public List<String> servers() {
        return List.of(bootstrapServers.split(","));
    }

    /** The topic of the events, keyed by conversation. */
    public String eventsTopic() {
        return prefix + ".events";
    }

    /** The consumer group the nodes form. */
    public String group() {
        return prefix + ".handlers";
    }

    @Override
    public String toString() {
        return SCHEME + bootstrapServers + "/" + prefix;
    }
}
