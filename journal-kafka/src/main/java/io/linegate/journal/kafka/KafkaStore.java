package io.linegate.journal.kafka;

import io.linegate.store.ApiRequestLog;
import io.linegate.store.CampaignStore;
import io.linegate.store.Cluster;
import io.linegate.store.ConversationStates;
import io.linegate.store.DeadLetters;
import io.linegate.store.EventJournal;
import io.linegate.store.LinkStore;
import io.linegate.store.OperatorControls;
import io.linegate.store.PendingLogins;
import io.linegate.store.RateBucketStore;
import io.linegate.store.Store;
import io.linegate.store.TokenStore;
import io.linegate.store.WriteHealth;

/** The database's store with the journal and the cluster on Kafka; closing it closes the journal (not the database). */
final class KafkaStore implements Store {
    private final Store database;
    private final KafkaJournal kafka;

    KafkaStore(Store database, KafkaJournal kafka) {
        this.database = database;
        this.kafka = kafka;
    }

    @Override public EventJournal journal() { return kafka.journal(); }
    @Override public Cluster cluster() { return kafka.cluster(); }
    @Override public DeadLetters deadLetters() { return kafka.deadLetters(); } // replayed onto the events topic
    @Override public ConversationStates conversations() { return database.conversations(); }
    @Override public OperatorControls controls() { return database.controls(); }
    @Override public TokenStore tokens() { return database.tokens(); }
    @Override public RateBucketStore rateBuckets() { return database.rateBuckets(); }
    @Override public ApiRequestLog apiRequests() { return database.apiRequests(); }
    @Override public CampaignStore campaigns() { return database.campaigns(); }
    @Override public PendingLogins pendingLogins() { return database.pendingLogins(); }
    @Override public LinkStore links() { return database.links(); }
    @Override public WriteHealth writeHealth() { return database.writeHealth(); }

    @Override
    public String location() {
        return database.location() + " with the journal on " + kafka.location();
    }

    @Override
    public void close() {
        kafka.close();
    }

    @Override
    public String toString() {
        return "Store[" + location() + "]";
    }
}
