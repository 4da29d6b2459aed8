package io.linegate.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linegate.store.Store;
import io.linegate.store.StoreContractTest;
import io.linegate.store.StoreException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the embedded SQLite store, and what is particular to it. */
class SqliteStoreTest extends StoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected Store open() {
        return Store.open("sqlite:" + dir);
    }

    @Override
    protected Connection sql() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteDatabase.FILE_NAME));
    }

    @Test
    void aBareDirectoryIsASqliteLocation() {
        try (Store store = Store.open(dir.toString())) {
            assertThat(store.location()).isEqualTo("sqlite:" + dir);
        }
        assertThat(dir.resolve(SqliteDatabase.FILE_NAME)).exists();
    }

    @Test
    void aMissingStoreIsRefusedWhenItMayNotBeCreated() {
        Path typo = dir.resolve("typo");
        assertThatThrownBy(() -> Store.open("sqlite:" + typo, Clock.systemUTC(), false))
                .isInstanceOf(StoreException.class).hasMessageContaining("no linegate store in " + typo);
        assertThat(Files.exists(typo)).isFalse();
    }
}
