package io.linegate.store.sqlite;

import io.linegate.store.ApiRequestLog;
import io.linegate.store.CampaignStore;
import io.linegate.store.ConversationStates;
import io.linegate.store.DeadLetters;
import io.linegate.store.EventJournal;
import io.linegate.store.LinkStore;
import io.linegate.store.OperatorControls;
import io.linegate.store.PendingLogins;
import io.linegate.store.RateBucketStore;
import io.linegate.store.Store;
import io.linegate.store.TokenStore;
import java.nio.file.Path;
import java.time.Clock;

/** The embedded store: one SQLite file under a data directory, one class per storage interface. */
final class SqliteStore implements Store {
    private final SqliteDatabase db;
    private final EventJournal journal;
    private final DeadLetters deadLetters;
    private final ConversationStates conversations;
    private final OperatorControls controls;
    private final TokenStore tokens;
    private final RateBucketStore rateBuckets;
    private final ApiRequestLog apiRequests;
    private final CampaignStore campaigns;
    private final PendingLogins pendingLogins;
    private final LinkStore links;

    SqliteStore(Path dataDir, Clock clock, boolean create) {
        this.db = SqliteDatabase.open(dataDir, clock, create);
        this.journal = new SqliteEventJournal(db);
        this.deadLetters = new SqliteDeadLetters(db);
        this.conversations = new SqliteConversationStates(db);
        this.controls = new SqliteOperatorControls(db);
        this.tokens = new SqliteTokenStore(db);
        this.rateBuckets = new SqliteRateBuckets(db);
        this.apiRequests = new SqliteApiRequestLog(db);
        this.campaigns = new SqliteCampaignStore(db);
        this.pendingLogins = new SqlitePendingLogins(db);
        this.links = new SqliteLinkStore(db);
    }

    @Override public EventJournal journal() { return journal; }
    @Override public DeadLetters deadLetters() { return deadLetters; }
    @Override public ConversationStates conversations() { return conversations; }
    @Override public OperatorControls controls() { return controls; }
    @Override public TokenStore tokens() { return tokens; }
    @Override public RateBucketStore rateBuckets() { return rateBuckets; }
    @Override public ApiRequestLog apiRequests() { return apiRequests; }
    @Override public CampaignStore campaigns() { return campaigns; }
    @Override public PendingLogins pendingLogins() { return pendingLogins; }
    @Override public LinkStore links() { return links; }

    @Override
    public String location() {
        return "sqlite:" + db.dataDir();
    }

    @Override
    public void close() {
        db.close();
    }

    @Override
    public String toString() {
        return "Store[" + location() + "]";
    }
}
