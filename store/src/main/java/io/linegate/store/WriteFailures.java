package io.linegate.store;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.sqlite.SQLiteException;

/**
 * Which failures of a write mean that the store cannot write at all, whatever is written (its disk
 * full, its file system read-only, an I/O error), as opposed to one write's own fault (a constraint,
 * a bug): the former make the store not ready until it can write again, and retrying the writes of
 * a group one by one would only fail each again. A {@link StoreUnavailableException} (a journal that
 * cannot take writes for now) is one of them.
 */
public final class WriteFailures {
    // SQLite's primary result codes (the low byte of an extended one): https://www.sqlite.org/rescode.html
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_CANTOPEN = 14;

    private WriteFailures() {
    }

    /** Why the store cannot write, if {@code e} (or a cause of it) says so; null for any other failure. */
    public static String cannotWrite(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreUnavailableException) {
                return t.getMessage();
            }
            if (t instanceof SQLException sql) {
                String reason = reason(sql);
                if (reason != null) {
                    return reason + serverMessage(t);
                }
            }
        }
        return null;
    }

    /**
     * PostgreSQL's own words, which name the file and the error ({@code could not extend file
     * "pg_tblspc/...": No space left on device}): the primary message only, from the server's error, never
     * the driver's message of a batch, which quotes the statement with its values (webhook bodies).
     */
    private static String serverMessage(Throwable from) {
        for (Throwable t = from; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PSQLException p && p.getServerErrorMessage() != null
                    && p.getServerErrorMessage().getMessage() != null) {
                return ": " + p.getServerErrorMessage().getMessage();
            }
        }
        return "";
    }

    private static String reason(SQLException e) {
        String state = e.getSQLState();
        if (state != null && state.length() == 5 && !state.startsWith("0")) {
            // PostgreSQL's SQLSTATE classes: https://www.postgresql.org/docs/current/errcodes-appendix.html
            switch (state) {
                case "53100":
                    return "the database server's disk is full (disk_full)";
                case "53000":
                case "53200":
                    return "the database server is out of resources (" + state + ")";
                case "58030":
                    return "the database server had an I/O error (io_error)";
                case "25006":
                    return "the database is read-only (read_only_sql_transaction)";
                case "42501":
                    // Also what a file the server may not write gives (EPERM, EACCES, and EROFS: its disk remounted
                    // read-only), besides a role without the privilege; either way no write of linegate's can succeed.
                    return "the database server was refused a write (insufficient_privilege)";
                default:
                    break;
            }
        }
        if (e instanceof SQLiteException sqlite) {
            switch (e.getErrorCode() & 0xff) {
                case SQLITE_FULL:
                    return "the disk is full (SQLITE_FULL)";
                case SQLITE_READONLY:
                    return "the database file is read-only (" + extendedName(sqlite, "SQLITE_READONLY") + ")";
                case SQLITE_IOERR:
                    return "an I/O error (" + extendedName(sqlite, "SQLITE_IOERR") + ")";
                case SQLITE_CANTOPEN:
                    return "the database file cannot be opened (" + extendedName(sqlite, "SQLITE_CANTOPEN") + ")";
                default:
                    break;
            }
        }
        return null;
    }

    /** The extended result code's name ({@code SQLITE_IOERR_WRITE}, {@code SQLITE_READONLY_DBMOVED}), which says which step failed. */
    private static String extendedName(SQLiteException e, String primary) {
        String name = e.getResultCode() == null ? null : e.getResultCode().name();
        return name != null && name.startsWith(primary) ? name : primary;
    }
}
