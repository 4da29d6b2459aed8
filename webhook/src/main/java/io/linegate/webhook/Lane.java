package io.linegate.webhook;

import io.linegate.store.Cluster;
import io.linegate.store.EventJournal.StoredEvent;
import java.util.ArrayDeque;

/**
 * One conversation's queue of loaded events: its head is handled, and only its head, until it is
 * settled; then the next. Guarded by the dispatcher's monitor.
 */
final class Lane {
    final String key;
    final int partition;
    final ArrayDeque<StoredEvent> queue = new ArrayDeque<>();
    boolean scheduled;
    boolean running; // a handler (or its done-mark) is in flight
    Cluster.Run run; // the cluster's record of that run, while it is in flight
    int attempts; // of the head event, including earlier runs recorded in the journal
    SentLedger ledger; // replies accepted for the head event, across its runs
    long ledgerSeq = -1; // the event the ledger belongs to

    Lane(String key, int partition) {
        this.key = key;
        this.partition = partition;
    }
}
