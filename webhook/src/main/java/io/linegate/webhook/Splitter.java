package io.linegate.webhook;

import io.linegate.store.Cluster;
import io.linegate.store.EventJournal;
import io.linegate.store.EventJournal.InboxEntry;
import io.linegate.store.EventJournal.NewEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pump's first step: stored webhook bodies become events. A batch of bodies is read from the
 * inbox, each split into its events ({@link WebhookBodies}: each with its {@link ConversationKey},
 * its tree kept for its handling here), and the events are written in one commit that consumes the
 * bodies, deduplicated on {@code webhookEventId}; what is not an event is kept as a dead letter. On a
 * shared store the node that holds the split lease splits (every node, while the lease cannot be had);
 * bodies another session holds are stepped around, with the later bodies of their conversations (see
 * {@link EventJournal}'s order). Runs on the pump's thread only.
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
        List<Body> bodies = new ArrayList<>(entries.size());
        for (InboxEntry entry : entries) {
            List<NewEvent> events = new ArrayList<>();
            List<EventJournal.Rejected> rejected = new ArrayList<>();
            WebhookBodies.split(entry, events, rejected, parsedAtSplit);
            bodies.add(new Body(entry.seq(), events, rejected));
        }
        try {
            return split(bodies);
        } catch (EventJournal.BodiesHeldException held) {
            // Another session holds some of these bodies (another node splitting them, or a session paused in a
            // transaction): split the others now, but none after a held one of the same conversation.
            List<Body> free = withoutHeld(bodies, held.held());
            log.debug("{}; splitting {} of {} bodies", held.getMessage(), free.size(), bodies.size());
            metrics.splitsHeld.increment();
            if (free.isEmpty()) {
                return false;
            }
            try {
                return split(free);
            } catch (EventJournal.BodiesHeldException again) {
                return true; // held by a splitter that started since: the next round reads again
            }
        }
    }

    /** One stored body, split. */
    private record Body(long seq, List<NewEvent> events, List<EventJournal.Rejected> rejected) {}

    /**
     * {@code bodies} without the held ones and without every body after a held one that shares a
     * conversation with it (directly or through a body kept back), so that no conversation's later
     * webhook is split before an earlier one.
     */
    private static List<Body> withoutHeld(List<Body> bodies, Set<Long> held) {
        Set<String> keptBack = new HashSet<>();
        List<Body> free = new ArrayList<>(bodies.size());
        for (Body b : bodies) {
            boolean back = held.contains(b.seq());
            for (int i = 0; i < b.events().size() && !back; i++) {
                back = keptBack.contains(b.events().get(i).lane());
            }
            if (back) {
                b.events().forEach(e -> keptBack.add(e.lane()));
            } else {
                free.add(b);
            }
        }
        return free;
    }

    private boolean split(List<Body> bodies) {
        List<NewEvent> events = new ArrayList<>();
        List<EventJournal.Rejected> rejected = new ArrayList<>();
        List<Long> consumed = new ArrayList<>(bodies.size());
        for (Body b : bodies) {
            consumed.add(b.seq());
            events.addAll(b.events());
            rejected.addAll(b.rejected());
        }
        EventJournal.SplitResult r;
        backlog.writeStarted();
        try {
            r = journal.split(consumed, events, rejected).join();
        } catch (RuntimeException e) {
            backlog.writeEnded(0);
            if (e.getCause() instanceof Cluster.LeaseLostException lost) {
                // Another node split some of those bodies first: nothing was written here.
                log.info("a split was given up: {}", lost.getMessage());
                metrics.splitsLost.increment();
                return true;
            }
            if (e.getCause() instanceof EventJournal.BodiesHeldException held) {
                throw held;
            }
            throw e;
        }
        for (EventJournal.Rejected x : rejected) {
            log.warn("signed webhook content that is not an event was kept as dead letter {}: {}", x.eventId(), x.reason());
        }
        // Bodies leave the backlog count as their events enter it.
        backlog.writeEnded(r.accepted() - bodies.size());
        metrics.processed("rejected").increment(rejected.size());
        inboxCursor = bodies.get(bodies.size() - 1).seq();
        metrics.received.increment(events.size());
        metrics.duplicates.increment(r.duplicates());
        return true;
    }
}
