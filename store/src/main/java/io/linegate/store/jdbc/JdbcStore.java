package io.linegate.store.jdbc;

import io.linegate.store.ApiRequestLog;
import io.linegate.store.CampaignStore;
import io.linegate.store.Cluster;
import io.linegate.store.ConversationStates;
import io.linegate.store.DeadLetters;
import io.linegate.store.EventJournal;
import io.linegate.store.LinkStore;
import io.linegate.store.LogPositions;
import io.linegate.store.OperatorControls;
import io.linegate.store.PendingLogins;
import io.linegate.store.RateBucketStore;
import io.linegate.store.Store;
import io.linegate.store.TokenStore;
import io.linegate.store.WriteHealth;

/** A store in a SQL database: one class per storage interface over one {@link Database}. */
public final class JdbcStore implements Store {
    private final Database db;
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
    private final Cluster cluster;

    public JdbcStore(Database db) {
        this.db = db;
        this.cluster = db.cluster();
        this.journal = new JdbcEventJournal(db, cluster);
        this.deadLetters = new JdbcDeadLetters(db);
        this.conversations = new JdbcConversationStates(db);
        this.controls = new JdbcOperatorControls(db);
        this.tokens = new JdbcTokenStore(db);
        this.rateBuckets = new JdbcRateBuckets(db);
        this.apiRequests = new JdbcApiRequestLog(db);
        this.campaigns = new JdbcCampaignStore(db);
        this.pendingLogins = new JdbcPendingLogins(db);
        this.links = new JdbcLinkStore(db);
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
    @Override public Cluster cluster() { return cluster; }
    @Override public WriteHealth writeHealth() { return db.writeHealth(); }

    @Override
    public LogPositions logPositions(String log) {
        return new JdbcLogPositions(db, log);
    }

    @Override
    public String location() {
        return db.location();
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
