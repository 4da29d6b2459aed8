package io.linegate.store;

import io.linegate.core.Defaults;
import io.linegate.core.Secret;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ServiceLoader;
import javax.sql.DataSource;

/**
 * Everything linegate keeps, behind one interface per concern. A store is opened from a location
 * ({@code sqlite:/var/lib/linegate}, or a bare directory, for the embedded default) by whichever
 * {@link StoreProvider} on the class path accepts it, and callers hold only these interfaces.
 *
 * <p>All processes that open the same location share one set of data: the journal, dedupe,
 * conversation state, operator switches, tokens and their lease, rate buckets, campaigns, logins
 * and links.
 */
public interface Store extends AutoCloseable {

    /** Webhook bodies in, split events out, done-marks. */
    EventJournal journal();

    /** Events that failed for good, and their replay. */
    DeadLetters deadLetters();

    /** Per-conversation key/value state (written with the journal's done-marks). */
    ConversationStates conversations();

    /** Run-time switches: mute list, maintenance mode. */
    OperatorControls controls();

    /** Channel access tokens and the lease that serializes issuing them. */
    TokenStore tokens();

    /** Rate-limit buckets shared by the processes of a deployment. */
    RateBucketStore rateBuckets();

    /** One row per attempt of every request to the LINE Platform. */
    ApiRequestLog apiRequests();

    /** Staged campaigns and their durable progress. */
    CampaignStore campaigns();

    /** LINE Login attempts in progress. */
    PendingLogins pendingLogins();

    /** ID links, their nonces and audit trail. */
    LinkStore links();

    /** The nodes sharing this store and their partitions. */
    Cluster cluster();

    /**
     * The positions of a journal kept outside this store, in log {@code log} (a Kafka topic), written in
     * this store's transactions (see {@link LogPositions}); SQL stores only.
     */
    default LogPositions logPositions(String log) {
        throw new UnsupportedOperationException("the store at " + location() + " cannot keep the positions of a journal kept elsewhere");
    }

    /** Whether the store can write now (see {@link WriteHealth}). */
    default WriteHealth writeHealth() {
        return WriteHealth.UNWATCHED;
    }

    /** Where this store lives, fit for logs: never a password. */
    String location();

    /** Finishes what was accepted (queued writes commit), then releases the store. */
    @Override
    void close();

    /** Opens the store at {@code location}, creating it if it does not exist yet. */
    static Store open(String location) {
        return open(location, Options.defaults());
    }

    /** The embedded store in {@code dataDir} (created if missing). */
    static Store sqlite(Path dataDir) {
        return open("sqlite:" + dataDir);
    }

    /** Opens the store at {@code location}; see {@link Options#create()}. */
    static Store open(String location, Clock clock, boolean create) {
        return open(location, Options.defaults().clock(clock).create(create));
    }

    /**
     * Opens the store in the database of a {@link javax.sql.DataSource} the application already has
     * (its pool, its credentials), creating linegate's tables there; the application keeps the data
     * source, which closing the store leaves open. PostgreSQL only: several nodes share it as they
     * share a {@code postgresql://} location.
     */
    static Store open(DataSource dataSource, Options options) {
        String product;
        try (Connection c = dataSource.getConnection()) {
            product = c.getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw new StoreException("cannot connect to the application's DataSource: " + e.getMessage(), null);
        }
        for (StoreProvider provider : ServiceLoader.load(StoreProvider.class, Store.class.getClassLoader())) {
            Store store = provider.open(dataSource, product, options);
            if (store != null) {
                return store;
            }
        }
        throw new IllegalArgumentException("no store runs on a " + product + " DataSource (PostgreSQL does)");
    }

    /** Opens the store at {@code location} with {@code options}. */
    static Store open(String location, Options options) {
        StringBuilder known = new StringBuilder();
        for (StoreProvider provider : ServiceLoader.load(StoreProvider.class, Store.class.getClassLoader())) {
            if (provider.accepts(location)) {
                return provider.open(location, options);
            }
            known.append(known.length() == 0 ? "" : ", ").append(provider.example());
        }
        throw new IllegalArgumentException("no store accepts the location '" + StoreProvider.redact(location)
                + "' (use one of: " + known + ")");
    }

    /**
     * How to open a store.
     *
     * @param clock    the store's clock (timestamps of writes it makes itself)
     * @param create   whether a location that holds no linegate store yet may be created; operator
     *                 commands say false, so that a typo in a path is not taken for an empty store
     * @param password the database password when the location names none (server databases);
     *                 {@link #defaults()} takes it from {@code LINEGATE_STORE_PASSWORD}
     * @param leaseTime how long the nodes of a shared store keep their partitions without a heartbeat:
     *                 a database server's timeouts on linegate's sessions (statements, locks, idle
     *                 transactions) are set shorter than it, so that nothing a stalled node holds stops
     *                 the others for longer
     */
    record Options(Clock clock, boolean create, Secret password, Duration leaseTime) {
        public static final String PASSWORD_VARIABLE = "LINEGATE_STORE_PASSWORD";

        public static Options defaults() {
            String password = System.getenv(PASSWORD_VARIABLE);
            return new Options(Clock.systemUTC(), true,
                    password == null || password.isEmpty() ? null : Secret.of(password, PASSWORD_VARIABLE),
                    Defaults.LEASE_TIME);
        }

        public Options clock(Clock c) {
            return new Options(c, create, password, leaseTime);
        }

        public Options create(boolean c) {
            return new Options(clock, c, password, leaseTime);
        }

        public Options password(Secret p) {
            return new Options(clock, create, p, leaseTime);
        }

        public Options leaseTime(Duration lease) {
            if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("the lease time must be at least 1 s, was " + lease);
            }
            return new Options(clock, create, password, lease);
        }
    }
}
