package io.linegate.journal.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** The clients' settings file ({@code --kafka-properties}: SASL, TLS), and the settings an operator command's clients share. */
public final class KafkaClientSettings {
    private KafkaClientSettings() {
    }

    /** Reads a properties file of client settings; its values are never logged nor put in a message. */
    public static Properties load(Path file) {
        if (file == null) {
            return new Properties();
        }
        try (InputStream in = Files.newInputStream(file)) {
            Properties p = new Properties();
            p.load(in);
            return p;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the Kafka properties file " + file + ": " + e.getClass().getSimpleName());
        }
    }

    /** {@code given} with the location's brokers, a client id naming {@code role}, and {@code timeout} for every call. */
    static Properties forClient(KafkaLocation location, Properties given, String role, Duration timeout) {
        Properties p = new Properties();
        p.putAll(given);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, location.bootstrapServers());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "linegate-" + location.prefix() + "-" + role);
        String ms = String.valueOf(Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        return p;
    }
}
