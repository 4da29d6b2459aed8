package io.linegate.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.linegate.core.Secret;
import io.linegate.store.Store;
import io.linegate.store.StoreContractTest;
import io.linegate.store.StoreException;
import io.linegate.store.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sqlite.SQLiteDataSource;

/** The contract on a real PostgreSQL server, and what is particular to it. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PostgresStoreTest extends StoreContractTest {
    String location;

    @BeforeEach
    void database() {
        location = TestPostgres.server().newDatabase();
    }

    @Override
    protected Store open() {
        return Store.open(location, options());
    }

    @Override
    protected Connection sql() throws SQLException {
        PostgresLocation l = PostgresLocation.parse(location, options().password());
        return DriverManager.getConnection(l.jdbcUrl(), l.user(), l.password() == null ? null : l.password().reveal());
    }

    static Store.Options options() {
        String password = TestPostgres.server().password();
        return Store.Options.defaults().password(password.isEmpty() ? null : Secret.of(password, "test store password"));
    }

    @Test
    void theLocationNeverShowsThePassword() {
        PostgresLocation l = PostgresLocation.parse("postgresql://bot:s3cr3t-pw@db.example.com/linegate?sslmode=require", null);
        assertThat(l.toString()).isEqualTo("postgresql://bot@db.example.com:5432/linegate").doesNotContain("s3cr3t-pw");
        assertThat(l.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:5432/linegate?sslmode=require");
        assertThat(l.password().reveal()).isEqualTo("s3cr3t-pw");
        assertThat(PostgresLocation.parse("jdbc:postgresql://h:6543/d?user=u&password=p", null))
                .satisfies(p -> {
                    assertThat(p.user()).isEqualTo("u");
                    assertThat(p.port()).isEqualTo(6543);
                    assertThat(p.password().reveal()).isEqualTo("p");
                });
    }

    @Test
    void aLocationWithoutDatabaseOrHostIsRefusedNamingWhatIsMissing() {
        assertThatThrownBy(() -> Store.open("postgresql://db.example.com/", options()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no database");
        assertThatThrownBy(() -> Store.open("postgresql:///linegate", options()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no host");
    }

    @Test
    void anUnreachableServerIsOneClearErrorWithoutThePassword() {
        int closed = TestPostgres.server().port() == 1 ? 2 : 1; // nothing listens on port 1
        assertThatThrownBy(() -> Store.open("postgresql://bot:hunter2-secret@127.0.0.1:" + closed + "/linegate", options()))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cannot connect to the store postgresql://bot@127.0.0.1:" + closed + "/linegate")
                .hasMessageNotContaining("hunter2-secret");
    }

    @Test
    void anEmptyDatabaseIsNotAStoreWhenItMayNotBeCreated() {
        assertThatThrownBy(() -> Store.open(location, options().create(false)))
                .isInstanceOf(StoreException.class).hasMessageContaining("no linegate store in");
        open().close();
        try (Store store = Store.open(location, options().create(false))) {
            assertThat(store.location()).startsWith("postgresql://");
        }
    }

    @Test
    void aStoreOnTheApplicationsDataSourceSharesTheDatabaseAndLeavesItsPoolOpen() throws Exception {
        PostgresLocation l = PostgresLocation.parse(location, options().password());
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(l.jdbcUrl());
        config.setUsername(l.user());
        if (l.password() != null) {
            config.setPassword(l.password().reveal());
        }
        try (HikariDataSource application = new HikariDataSource(config)) {
            try (Store onTheDataSource = Store.open(application, options())) {
                assertThat(onTheDataSource.location()).startsWith("the application's DataSource (jdbc:postgresql://")
                        .doesNotContain("password");
                onTheDataSource.journal().append("{\"destination\":\"U1\",\"events\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        Instant.now()).get(10, TimeUnit.SECONDS);
                try (Store byLocation = open()) {
                    assertThat(byLocation.journal().inbox(0, 10)).as("one database, one store").hasSize(1);
                }
            }
            try (Connection c = application.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT 1")) {
                assertThat(rs.next()).as("the application's pool is still open").isTrue();
            }
        }
    }

    @Test
    void aDataSourceOfAnotherDatabaseIsRefusedNamingIt() throws Exception {
        SQLiteDataSource sqlite = new SQLiteDataSource();
        sqlite.setUrl("jdbc:sqlite::memory:");
        assertThatThrownBy(() -> Store.open(sqlite, options()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no store runs on a SQLite DataSource");
    }
}
