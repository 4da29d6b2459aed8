package io.linegate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.bot.webhook.model.MessageEvent;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.linegate.store.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code linegate.store=datasource}: the store in the PostgreSQL database of the application's own DataSource. */
@SpringBootTest(classes = DataSourceStoreTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DataSourceStoreTest {
    static final String SECRET = "data-source-test-channel-secret0";
    static final String LOCATION = TestPostgres.server().newDatabase();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Handlers.class)
    static class App {
        /** The application's pool, as it would have it for its own tables. */
        @Bean(destroyMethod = "close")
        HikariDataSource dataSource() {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl("jdbc:" + LOCATION); // postgresql://host:port/database?user=...
            if (!TestPostgres.server().password().isEmpty()) {
                config.setPassword(TestPostgres.server().password());
            }
            return new HikariDataSource(config);
        }
    }

    @LineMessageHandler
    static class Handlers {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @EventMapping
        public void message(MessageEvent event) {
            seen.add(event.webhookEventId());
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("line.bot.channel-secret", () -> SECRET);
        r.add("linegate.store", () -> "datasource");
        r.add("linegate.warm-up", () -> "0s");
    }

    @Value("${local.server.port}")
    int port;
    @Autowired
    LinegateChannels channels;
    @Autowired
    Handlers handlers;
    @Autowired
    DataSource dataSource;

    @Test
    void webhooksAreKeptInTheApplicationsDatabaseAndHandled() throws Exception {
        String id = "01DATASOURCEDATASOURCEDATA";
        assertThat(Webhooks.signedPost("http://127.0.0.1:" + port + "/callback", Webhooks.text("Uds", "hi", id), SECRET)
                .statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> handlers.seen.contains(id));
        assertThat(channels.channel("default").store().location()).startsWith("the application's DataSource");
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM flyway_schema_history")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as("linegate's tables in the application's database").isPositive();
        }
    }
}
