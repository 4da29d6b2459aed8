package io.linegate.store;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ServiceLoader;

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

    /** Where this store lives, fit for logs: never a password. */
    String location();

    /** Finishes what was accepted (queued writes commit), then releases the store. */
    @Override
    void close();

    /** Opens the store at {@code location}, creating it if it does not exist yet. */
    static Store open(String location) {
        return open(location, Clock.systemUTC(), true);
    }

    /** The embedded store in {@code dataDir} (created if missing). */
    static Store sqlite(Path dataDir) {
        return open("sqlite:" + dataDir);
    }

    /**
     * Opens the store at {@code location}. With {@code create} false, a location that holds no
     * linegate store is refused with a {@link StoreException} instead of being created empty, which is
     * what operator commands want (a typo in a path must not look like an empty store).
     */
    static Store open(String location, Clock clock, boolean create) {
        StringBuilder known = new StringBuilder();
        for (StoreProvider provider : ServiceLoader.load(StoreProvider.class, Store.class.getClassLoader())) {
            if (provider.accepts(location)) {
                return provider.open(location, clock, create);
            }
            known.append(known.length() == 0 ? "" : ", ").append(provider.example());
        }
        throw new IllegalArgumentException("no store accepts the location '" + StoreProvider.redact(location)
                + "' (use one of: " + known + ")");
    }
}
