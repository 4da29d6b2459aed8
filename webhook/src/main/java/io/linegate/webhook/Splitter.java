package io.linegate.webhook;

import io.linegate.store.Cluster;
import io.linegate.store.EventJournal;
import io.linegate.store.EventJournal.InboxEntry;
import io.linegate.store.EventJournal.NewEvent;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pump's first step: stored webhook bodies become events. A batch of bodies is read from the
 * inbox, each split into its events ({@link WebhookBodies}: each with its {@link ConversationKey},
 * its tree kept for its handling here), and the events are written in one commit that consumes the
 * bodies, deduplicated on {@code webhookEventId}; what is not an event is kept as a dead letter. On a
 * shared store only the node that holds the split lease splits. Runs on the pump's thread only.
 */
final class Splitter {
    private static final Logger log = LoggerFactory.getLogger(Splitter.class);
    // Small enough that a split shares a commit with acknowledgements without holding them up.
    private static final int SPLIT_BATCH = 100;
    // A shared store's splits run beside the appends, in four statements whatever their size, each a round
    // trip to a database that may be a network away: larger batches pay those trips for more bodies.
    private static final int SHARED_SPLIT_BATCH = 500;

    private final EventJournal journal;
    private final Ownership ownership;
    private final BacklogCount backlog;
    private final DispatchMetrics metrics;
    private final ParsedEvents parsedAtSplit;
    private long inboxCursor;

    Splitter(EventJournal journal, Ownership ownership, BacklogCount backlog, DispatchMetrics metrics,
             ParsedEvents parsedAtSplit) {
        this.journal = journal;
        this.ownership = ownership;
        this.backlog = backlog;
        this.metrics = metrics;
        this.parsedAtSplit = parsedAtSplit;
    }

    /** Splits the next batch of stored bodies, if any; false when there was nothing to split here. */
    boolean splitNext() {
        if (!ownership.maySplit()) {
            return false;
        }
        // Several nodes append at once, so inbox numbers are not in commit order: read from the start,
        // which is what no split has consumed yet.
        List<InboxEntry> entries = ownership.shared() ? journal.inbox(0, SHARED_SPLIT_BATCH)
                : journal.inbox(inboxCursor, SPLIT_BATCH);
        if (entries.isEmpty()) {
            return false;
        }
        List<NewEvent> events = new ArrayList<>();
        List<EventJournal.Rejected> rejected = new ArrayList<>();
        List<Long> consumed = new ArrayList<>(entries.size());
        for (InboxEntry entry : entries) {
            consumed.add(entry.seq());
            WebhookBodies.split(entry, events, rejected, parsedAtSplit);
        }
        for (EventJournal.Rejected r : rejected) {
            log.warn("signed webhook content that is not an event was kept as dead letter {}: {}", r.eventId(), r.reason());
        }
        EventJournal.SplitResult r;
        backlog.writeStarted();
        try {
            r = journal.split(consumed, events, rejected).join();
        } catch (RuntimeException e) {
            backlog.writeEnded(0);
            if (e.getCause() instanceof Cluster.LeaseLostException lost) {
                // This node's split lease ran out and another node split those bodies: nothing was written here.
                log.info("a split was given up: {}", lost.getMessage());
                metrics.splitsLost.increment();
                return true;
            }
            throw e;
        }
        // Bodies leave the backlog count as their events enter it.
        backlog.writeEnded(r.accepted() - entries.size());
        metrics.processed("rejected").increment(rejected.size());
        inboxCursor = entries.get(entries.size() - 1).seq();
        metrics.received.increment(events.size());
        metrics.duplicates.increment(r.duplicates());
        return true;
    }
}
