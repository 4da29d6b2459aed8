package io.linegate.webhook;

import io.linegate.core.Secret;
import io.linegate.store.Store;
import io.linegate.store.TestPostgres;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/**
 * Every dispatcher guarantee again, on a PostgreSQL store: one node that leases all partitions,
 * with fenced done-marks, commit-ordered events and the inbox split by the lease holder.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PostgresDispatcherTest extends DispatcherTest {
    String location;

    @BeforeEach
    void database() {
        location = TestPostgres.server().newDatabase();
    }

    @Override
    protected Store openStore() {
        String password = TestPostgres.server().password();
        return Store.open(location, Store.Options.defaults()
                .password(password.isEmpty() ? null : Secret.of(password, "test store password")));
    }
}
