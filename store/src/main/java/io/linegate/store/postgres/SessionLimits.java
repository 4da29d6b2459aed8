package io.linegate.store.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server's limits on linegate's sessions, all shorter than the nodes' lease, so that a
 * node that stalls (a long pause, a half-open connection, a slow statement) cannot keep a lock or a
 * transaction that the other nodes wait on for longer than it would keep its partitions:
 * <ul>
 *   <li>{@code lock_timeout}: a fifth of the lease, at most 2 s; a statement waiting longer for a lock
 *       fails, and its write is reported failed (a webhook gets {@code 503}, an event is retried);</li>
 *   <li>{@code statement_timeout}: half the lease;</li>
 *   <li>{@code idle_in_transaction_session_timeout}: 1 s (half the lease if shorter); linegate's
 *       transactions never wait between their statements, so a quiet one belongs to a client that
 *       stalled: the server rolls it back, and its locks go with it;</li>
 *   <li>TCP keepalives on both ends, and a client socket timeout, so that a dead peer is noticed.</li>
 * </ul>
 * PostgreSQL documents these settings in "Client Connection Defaults" and "Connections and
 * Authentication" of its manual.
 */
final class SessionLimits {
    private static final Logger log = LoggerFactory.getLogger(SessionLimits.class);

    private final Duration lock;
    private final Duration statement;
    private final Duration idleInTransaction;

    private SessionLimits(Duration lock, Duration statement, Duration idleInTransaction) {
        this.lock = lock;
        this.statement = statement;
        this.idleInTransaction = idleInTransaction;
    }

    static SessionLimits forLease(Duration lease) {
        Duration half = lease.dividedBy(2);
        return new SessionLimits(min(lease.dividedBy(5), Duration.ofSeconds(2)), half, min(half, Duration.ofSeconds(1)));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The server settings as the JDBC driver's {@code options} (sent with the session's start-up). */
    String options() {
        return "-c lock_timeout=" + lock.toMillis()
                + " -c statement_timeout=" + statement.toMillis()
                + " -c idle_in_transaction_session_timeout=" + idleInTransaction.toMillis()
                + " -c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3";
    }

    /** The driver's read timeout: a statement's answer never takes longer than its server-side limit and a margin. */
    int socketTimeoutSeconds() {
        return (int) Math.max(2, statement.plusSeconds(2).toSeconds());
    }

    /** On a data source linegate did not configure: warns, naming the settings, when its sessions have no statement timeout. */
    static void warnIfUnlimited(Connection c, Duration lease, String where) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('statement_timeout'),"
                     + " current_setting('idle_in_transaction_session_timeout')")) {
            if (rs.next() && ("0".equals(rs.getString(1)) || "0".equals(rs.getString(2)))) {
                SessionLimits l = forLease(lease);
                log.warn("{} sets no statement_timeout or idle_in_transaction_session_timeout: a node that stalls in a"
                        + " transaction can hold the others up. Give its sessions the options \"{}\" (with HikariCP,"
                        + " the data source property \"options\")", where, l.options());
            }
        }
    }
}
