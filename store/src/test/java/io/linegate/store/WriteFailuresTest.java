package io.linegate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Which failures mean the store cannot write at all. The drivers' own exception types, as the drivers
 * build them from a server's error and from SQLite's result code: an I/O error cannot be had for real
 * without a block device to break (the full disk, the read-only database and refused file writes are
 * shown for real in FullStoreTest, FullPostgresStoreServerTest and UnwritableStoreServerTest).
 */
class WriteFailuresTest {

    static PSQLException postgres(String sqlState, String message) {
        return new PSQLException(new ServerErrorMessage("SERROR\0VERROR\0C" + sqlState + "\0M" + message + "\0"));
    }

    @Test
    void aPostgresIoErrorMeansTheStoreCannotWriteInTheServersOwnWords() {
        String message = "could not read block 7 in file \"base/16384/16531\": Input/output error";
        assertThat(WriteFailures.cannotWrite(new CompletionException(new StoreException("a write failed",
                postgres("58030", message)))))
                .isEqualTo("the database server had an I/O error (io_error): " + message);
    }

    @Test
    void aPostgresFileTheServerMayNotWriteMeansTheStoreCannotWrite() {
        // EROFS (a disk remounted read-only), EPERM and EACCES all come as insufficient_privilege.
        assertThat(WriteFailures.cannotWrite(postgres("42501", "could not extend file \"base/1/2\": Read-only file system")))
                .startsWith("the database server was refused a write (insufficient_privilege)")
                .endsWith("Read-only file system");
    }

    @Test
    void aPostgresConstraintOrSerializationFailureIsOneWritesOwnFault() {
        assertThat(WriteFailures.cannotWrite(postgres("23505", "duplicate key value violates unique constraint"))).isNull();
        assertThat(WriteFailures.cannotWrite(postgres("40001", "could not serialize access"))).isNull();
        assertThat(WriteFailures.cannotWrite(new SQLException("no state"))).isNull();
    }

    @Test
    void sqliteIoAndReadOnlyErrorsNameTheirExtendedCode() {
        assertThat(WriteFailures.cannotWrite(new SQLiteException("disk I/O error", SQLiteErrorCode.SQLITE_IOERR_FSYNC)))
                .isEqualTo("an I/O error (SQLITE_IOERR_FSYNC)");
        assertThat(WriteFailures.cannotWrite(new SQLiteException("attempt to write a readonly database",
                SQLiteErrorCode.SQLITE_READONLY_DBMOVED)))
                .isEqualTo("the database file is read-only (SQLITE_READONLY_DBMOVED)");
        assertThat(WriteFailures.cannotWrite(new SQLiteException("database or disk is full", SQLiteErrorCode.SQLITE_FULL)))
                .isEqualTo("the disk is full (SQLITE_FULL)");
        assertThat(WriteFailures.cannotWrite(new SQLiteException("UNIQUE constraint failed",
                SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE))).isNull();
    }
}
