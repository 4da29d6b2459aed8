package io.linegate.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.bot.webhook.model.Event;
import io.linegate.core.Backoff;
import io.linegate.store.EventJournal;
import io.linegate.store.EventJournal.InboxEntry;
import io.linegate.store.EventJournal.NewEvent;
import io.linegate.store.EventJournal.StoredEvent;
import io.linegate.store.ConversationStates;
import io.linegate.store.Store;
import io.linegate.store.WriteFailures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes journaled webhooks: split into events, dedupe, then a lane per
 * conversation, one event at a time per lane, lanes in parallel on a bounded pool.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Order: events of one source are handled in the order they were journaled; the next starts
 *       only after the previous one's done-mark is durable.</li>
 *   <li>At most once per {@code webhookEventId} within the dedupe window, at least once across
 *       crashes (an event leaves the journal only with its done-mark), and exactly once for effects
 *       made through {@link EventContext#state()}, which commit with the done-mark.</li>
 *   <li>Bounded memory: at most {@code window} events are loaded; the backlog waits on disk.</li>
 * </ul>
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final ObjectMapper SDK = SdkEvents.SDK;
    // Small enough that a split shares a commit with acknowledgements without holding them up.
    private static final int SPLIT_BATCH = 100;
    /**
     * Split events whose trees are kept for their handling (a few KiB each: at most about 5 MiB); past
     * it, the oldest are parsed again from the store when their turn comes.
     */
    private static final int PARSED_KEPT = 2_048;
    private static final Outcome STANDBY_SEND_BLOCKED = Outcome.completed("standby_send_blocked");

    private final EventJournal journal;
    private final ConversationStates states;
    private final MiddlewareChain chain;
    private final DispatchListener listener;
    private final OperatorSwitches switches;
    private final Outbound outbound;
    private final Clock clock;
    private final int window;
    private final int maxAttempts;
    private static final int MAX_YIELD_MS = 20;
    private final AtomicLong yields = new AtomicLong();
    private final Backoff backoff;
    private final Duration dedupeWindow;
    private final FailurePolicy failurePolicy;
    private final ExecutorService workers;
    private final ScheduledExecutorService timer;
    private final Thread pump;
    private final Metrics metrics;
    private final Ownership ownership;
    private final ScheduledExecutorService heartbeats;
    private final Duration heartbeatEvery;

    // Guarded by "this".
    private final Map<String, Lane> lanes = new HashMap<>();
    private final Set<Long> loadedSeqs = new java.util.HashSet<>(); // so that a catch-up never loads an event twice
    private int loaded;
    private long loadCursor;
    private long catchUpCursor;
    private int catchUpGeneration; // the ownership's catch-up generation the cursor belongs to
    private long inboxCursor;

    private volatile boolean running = true;
    private final BacklogCount backlog = new BacklogCount();
    /** The trees of events this node split, until they are handled here (bounded). */
    private final ParsedEvents parsedAtSplit = new ParsedEvents(PARSED_KEPT);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Set<String> degradedSeen = ConcurrentHashMap.newKeySet();

    private Dispatcher(Builder b) {
        this.journal = b.store.journal();
        this.states = b.store.conversations();
        this.switches = new OperatorSwitches(b.store.controls());
        this.listener = b.listener;
        this.outbound = b.outbound;
        this.clock = b.clock;
        this.window = b.window;
        this.maxAttempts = b.maxAttempts;
        this.backoff = b.backoff;
        this.dedupeWindow = b.dedupeWindow;
        this.failurePolicy = b.failurePolicy;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(b.workers, b.workers, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> daemon(r, "linegate-handler-" + n.incrementAndGet()));
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "linegate-dispatch-timer"));
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        this.ownership = new Ownership(b.store.cluster(), b.store.tokens(), b.clock, b.leaseTime);
        this.heartbeatEvery = b.heartbeatEvery;
        this.heartbeats = ownership.shared() ? java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                r -> daemon(r, "linegate-cluster-heartbeat")) : null;
        this.metrics = new Metrics(b.registry, backlog, ownership, this::lagSeconds);
        List<Middleware> links = new ArrayList<>();
        links.add(BuiltInLinks.mute(switches));
        links.add(BuiltInLinks.maintenance(switches, b.maintenanceHandler));
        links.add(BuiltInLinks.flood(new FloodControl(b.floodPolicy), b.floodHandler, metrics.throttled, b.clock));
        links.addAll(b.middleware);
        this.chain = new MiddlewareChain(links, b.handler);
        this.pump = daemon(this::pumpLoop, "linegate-dispatch-pump");
    }

    /** A dispatcher of the events journaled in {@code store}, switched by its operator controls. */
    public static Builder builder(Store store, EventHandler handler) {
        return new Builder(store, handler);
    }

    /** Starts dispatching, beginning with whatever the journal holds from before a restart. */
    public Dispatcher start() {
        backlog.recount(journal::pendingCount);
        refreshControls();
        // Several nodes: a switch flipped on one is seen by every node within a second.
        long controlsEvery = ownership.shared() ? 500 : 2000;
        timer.scheduleWithFixedDelay(this::refreshControls, controlsEvery, controlsEvery, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::forgetOldIds, 0, 10, TimeUnit.MINUTES);
        if (heartbeats != null) {
            heartbeat(); // take partitions before the first load
            heartbeats.scheduleWithFixedDelay(this::heartbeat, heartbeatEvery.toMillis(), heartbeatEvery.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        pump.start();
        return this;
    }

    /** Renews this node's partitions, drops the lanes of partitions it may no longer handle, and recounts the backlog. */
    private void heartbeat() {
        try {
            ownership.heartbeat(this::busy);
            dropUnowned();
            backlog.recount(journal::pendingCount); // other nodes append and finish too: count what the store holds
            wake();
        } catch (RuntimeException e) {
            log.warn("cluster heartbeat failed; will try again", e);
        }
    }

    /** Seconds since the oldest loaded, unfinished event was received (0 when none is waiting). */
    private synchronized double lagSeconds() {
        long oldest = Long.MAX_VALUE;
        for (Lane lane : lanes.values()) {
            StoredEvent head = lane.queue.peekFirst();
            if (head != null) {
                oldest = Math.min(oldest, head.receivedAt().toEpochMilli());
            }
        }
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, clock.millis() - oldest) / 1000.0;
    }

    /** Whether this node has loaded events of {@code partition} (queued or in a handler). */
    private synchronized boolean busy(int partition) {
        for (Lane lane : lanes.values()) {
            if (lane.partition == partition) {
                return true;
            }
        }
        return false;
    }

    /** Unloads the lanes of partitions this node may no longer start events of, except a handler in flight. */
    private synchronized void dropUnowned() {
        for (Lane lane : List.copyOf(lanes.values())) {
            if (!lane.running && !ownership.mayHandle(lane.partition)) {
                drop(lane);
            }
        }
    }

    /** Called after each durable append: counts it in the backlog and wakes the pump. */
    public void appended() {
        backlog.appended();
        wake();
    }

    /** Tells the dispatcher there may be new work (a replayed dead letter, say); cheap and idempotent. */
    public void wake() {
        LockSupport.unpark(pump); // runs per acknowledged webhook: no lock, and an early unpark is not lost
    }

    /** Re-reads the operator controls now instead of at the next periodic refresh. */
    public void refreshControls() {
        switches.refresh();
    }

    /** Events stored but not yet done, including those not yet split. */
    public long backlog() {
        return backlog.get();
    }

    // ---- pump: inbox -> events -> lanes --------------------------------------------------------

    private void pumpLoop() {
        while (running) {
            try {
                yieldToAppends();
                boolean worked = splitInbox();
                worked |= loadPending();
                if (!worked && running) {
                    LockSupport.parkNanos(100_000_000L);
                }
            } catch (RuntimeException e) {
                if (WriteFailures.cannotWrite(e) == null) { // else said by the store, rate-limited
                    log.error("dispatch pump failed; retrying in 1 s", e);
                }
                sleepQuietly(1000);
            }
        }
    }

    /**
     * While webhooks wait for their append to commit, the pump leaves the store to them before it
     * reads and splits (processing may slow under a burst; acknowledgement may not), for at most
     * {@value #MAX_YIELD_MS} ms at a time, so that processing never stops under a steady stream.
     */
    private void yieldToAppends() {
        for (int i = 0; i < MAX_YIELD_MS && running && journal.appendsWaiting(); i++) {
            LockSupport.parkNanos(1_000_000L);
            yields.incrementAndGet();
        }
    }

    /** Milliseconds spent yielding to appends, in 1 ms steps (for tests). */
    long yieldedMillis() {
        return yields.get();
    }

    private boolean splitInbox() {
        if (!ownership.maySplit()) {
            return false;
        }
        // Several nodes append at once, so inbox numbers are not in commit order: read from the start,
        // which is what no splitter has consumed yet.
        List<InboxEntry> entries = journal.inbox(ownership.shared() ? 0 : inboxCursor, SPLIT_BATCH);
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

    private boolean loadPending() {
        int room;
        long cursor;
        synchronized (this) {
            room = window - loaded;
            cursor = loadCursor;
        }
        if (room <= 0) {
            return false;
        }
        int limit = Math.min(room, 1000);
        int generation = ownership.catchUpGeneration();
        Set<Integer> catching = ownership.catchingUp();
        if (generation != catchUpGeneration) {
            catchUpGeneration = generation; // partitions joined (or one was unloaded again): start from the oldest event
            catchUpCursor = 0;
        }
        if (!catching.isEmpty()) {
            // Partitions just taken over: load their events up to the main cursor before they join the others.
            List<StoredEvent> older = journal.pending(catching, catchUpCursor, limit);
            List<StoredEvent> behind = older.stream().filter(e -> e.seq() <= cursor).toList();
            enqueue(behind);
            if (older.size() < limit || behind.size() < older.size()) {
                ownership.caughtUp(catching, generation);
                catchUpCursor = 0;
            } else {
                catchUpCursor = older.get(older.size() - 1).seq();
            }
            return true;
        }
        List<StoredEvent> batch = ownership.shared() ? journal.pending(ownership.steady(), cursor, limit)
                : journal.pending(cursor, limit);
        if (batch.isEmpty()) {
            return false;
        }
        synchronized (this) {
            loadCursor = batch.get(batch.size() - 1).seq();
        }
        enqueue(batch);
        return true;
    }

    private void enqueue(List<StoredEvent> batch) {
        List<Lane> toStart = new ArrayList<>();
        synchronized (this) {
            for (StoredEvent e : batch) {
                if (!loadedSeqs.add(e.seq())) {
                    continue;
                }
                Lane lane = lanes.computeIfAbsent(e.lane(), k -> new Lane(k, e.partition()));
                lane.queue.addLast(e);
                loaded++;
                if (!lane.scheduled) {
                    lane.scheduled = true;
                    toStart.add(lane);
                }
            }
        }
        toStart.forEach(this::schedule);
    }

    // ---- lanes ---------------------------------------------------------------------------------

    /** A conversation's queue of loaded events. Guarded by the dispatcher's monitor. */
    private static final class Lane {
        final String key;
        final int partition;
        final ArrayDeque<StoredEvent> queue = new ArrayDeque<>();
        boolean scheduled;
        boolean running; // a handler (or its done-mark) is in flight
        int attempts; // of the head event, including earlier runs recorded in the journal
        SentLedger ledger; // replies accepted for the head event, across its runs
        long ledgerSeq = -1; // the event the ledger belongs to

        Lane(String key, int partition) {
            this.key = key;
            this.partition = partition;
        }
    }

    private void schedule(Lane lane) {
        if (!running) {
            return;
        }
        try {
            workers.execute(() -> runHead(lane));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Shutting down: the event stays in the journal for the next start.
        }
    }

    private void scheduleLater(Lane lane, long delayMs) {
        synchronized (this) {
            lane.running = false;
        }
        if (running) {
            timer.schedule(() -> schedule(lane), delayMs, TimeUnit.MILLISECONDS);
        }
    }

    private void runHead(Lane lane) {
        if (!running) {
            return;
        }
        StoredEvent head;
        synchronized (this) {
            head = lane.queue.peekFirst();
            if (head == null || lanes.get(lane.key) != lane) {
                return; // unloaded: its partition went to another node
            }
            if (!ownership.mayHandle(lane.partition)) {
                drop(lane);
                return;
            }
            lane.running = true;
            if (lane.attempts < head.attempts()) {
                lane.attempts = head.attempts();
            }
            if (lane.ledgerSeq != head.seq()) {
                lane.ledger = SentLedger.parse(head.sent()); // what earlier runs, here or elsewhere, had sent
                lane.ledgerSeq = head.seq();
            }
        }
        JsonNode tree = parsedAtSplit.take(head.eventId(), head.payload()); // parsed once: by the split, when it was this node's
        if (tree == null) {
            tree = tree(head.payload());
        }
        SdkEvents.Parsed parsed = parse(tree, head);
        Event event = parsed.event();
        int attempt = lane.attempts + 1;
        DispatchedEvent ctx = new DispatchedEvent(head, tree, event, parsed.degraded(), attempt, states, outbound, clock,
                lane.ledger, journal);
        inFlight.incrementAndGet();
        Outcome outcome;
        try {
            outcome = chain.run(ctx);
        } catch (SendingDisabledException e) {
            log.warn("handler tried to send for standby event {}; completed without sending", head.eventId());
            outcome = STANDBY_SEND_BLOCKED;
        } catch (Throwable e) {
            // Any throwable, errors included: one that escaped would leave the lane stuck for good.
            inFlight.decrementAndGet();
            fail(lane, head, attempt, e);
            return;
        }
        inFlight.decrementAndGet();
        if (outcome.isDeferred()) {
            scheduleLater(lane, outcome.delay().toMillis()); // stays pending on disk; nothing of this run commits
            return;
        }
        finish(lane, head, outcome.name(), ctx.stateChanges(), attempt);
    }

    /** The stored event as a tree, read once and shared by the typed event and the context. */
    private static JsonNode tree(String payload) {
        try {
            return SDK.readTree(payload);
        } catch (Exception e) {
            return SDK.createObjectNode(); // stored events were split from valid JSON; this is only a guard
        }
    }

    /** The typed event; a known type whose sub-field changed shape is read without it, and counted. */
    private SdkEvents.Parsed parse(JsonNode tree, StoredEvent head) {
        SdkEvents.Parsed parsed = SdkEvents.parse(tree);
        if (!parsed.degraded().isEmpty()) {
            metrics.degraded.increment();
            for (String field : parsed.degraded()) {
                String key = tree.path("type").asText() + ":" + field;
                if (degradedSeen.size() < 64 && degradedSeen.add(key)) {
                    log.warn("event {} ({}): {} has a shape the SDK does not know; the event reaches its route"
                            + " without it, with the raw JSON (logged once per field)", head.eventId(),
                            tree.path("type").asText(), field);
                }
            }
        }
        return parsed;
    }

    private void finish(Lane lane, StoredEvent head, String outcome, Map<String, String> changes, int attempt) {
        backlog.writeStarted();
        settle(journal.complete(head.seq(), lane.key, changes), lane, head, outcome, "mark done",
                () -> listener.done(head.eventId(), outcome, attempt));
    }

    /**
     * Once the event's last write is durable, counts it, tells the listener and moves its lane on; if the
     * write failed, tries again; if the partition went to another node meanwhile, leaves the event to it.
     */
    private void settle(java.util.concurrent.CompletableFuture<Void> write, Lane lane, StoredEvent head, String outcome,
                        String doing, Runnable tellListener) {
        write.whenCompleteAsync((v, err) -> {
            backlog.writeEnded(err == null ? -1 : 0);
            if (leaseLost(lane, head, err)) {
                return;
            }
            if (err != null) {
                if (WriteFailures.cannotWrite(err) == null) { // else said by the store, rate-limited
                    log.error("could not {} event {}; retrying", doing, head.eventId(), err);
                }
                scheduleLater(lane, 1000);
                return;
            }
            metrics.processed(outcome).increment();
            tell(tellListener);
            advance(lane);
        }, workers);
    }

    /** Tells the listener; it must not disturb dispatching. */
    private void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("the dispatch listener failed; ignored", e);
        }
    }

    private void fail(Lane lane, StoredEvent head, int attempt, Throwable error) {
        synchronized (this) {
            lane.attempts = attempt;
        }
        FailurePolicy.Decision decision = decide(error);
        String message = error.getClass().getName() + ": " + error.getMessage();
        if (!decision.retry()) {
            log.warn("event {} failed and was not retried ({}); dead-lettered at once", head.eventId(),
                    decision.reason(), error);
            deadLetter(lane, head, attempt, "not retried, " + decision.reason() + ": " + message, "not_retryable", error);
            return;
        }
        if (attempt >= maxAttempts) {
            log.error("event {} failed {} times; dead-lettered", head.eventId(), attempt, error);
            deadLetter(lane, head, attempt, message, "dead_lettered", error);
            return;
        }
        long delay = backoff.delayMillis(attempt);
        log.warn("event {} failed (attempt {} of {}); retrying in {} ms", head.eventId(), attempt, maxAttempts,
                delay, error);
        metrics.processed("retried").increment();
        journal.recordFailure(head.seq(), attempt, message)
                .whenComplete((v, err) -> {
                    tell(() -> listener.failed(head.eventId(), attempt, error, true));
                    scheduleLater(lane, delay);
                });
    }

    /**
     * Whether {@code err} says another node took the event's partition while it was handled here: then
     * nothing of this run is committed, the lane is unloaded, and the new owner handles the event.
     */
    private boolean leaseLost(Lane lane, StoredEvent head, Throwable err) {
        Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
        if (!(cause instanceof io.linegate.store.Cluster.LeaseLostException)) {
            return false;
        }
        log.warn("event {} was handled here after its partition {} went to another node; that node handles it again",
                head.eventId(), lane.partition);
        metrics.processed("lease_lost").increment();
        synchronized (this) {
            drop(lane);
        }
        return true;
    }

    /** Unloads a lane (its events stay in the store for whichever node holds the partition). Hold the monitor. */
    private void drop(Lane lane) {
        if (lanes.get(lane.key) == lane) {
            lanes.remove(lane.key);
        }
        loaded -= lane.queue.size();
        lane.queue.forEach(e -> loadedSeqs.remove(e.seq()));
        lane.queue.clear();
        ownership.recatch(lane.partition);
        lane.scheduled = false;
        lane.running = false;
    }

    /** The policy's decision; a policy that throws is not trusted, and the event is retried as before. */
    private FailurePolicy.Decision decide(Throwable error) {
        try {
            return Objects.requireNonNull(failurePolicy.decide(error), "decision");
        } catch (RuntimeException e) {
            log.warn("the failure policy failed on {}; retrying the event", error.getClass().getName(), e);
            return FailurePolicy.Decision.retry("the failure policy failed");
        }
    }

    private void deadLetter(Lane lane, StoredEvent head, int attempt, String error, String outcome, Throwable cause) {
        backlog.writeStarted();
        settle(journal.deadLetter(head.seq(), attempt, error), lane, head, outcome, "dead-letter",
                () -> listener.failed(head.eventId(), attempt, cause, false));
    }

    private void advance(Lane lane) {
        boolean more;
        synchronized (this) {
            StoredEvent done = lane.queue.pollFirst();
            if (done == null) {
                return; // unloaded meanwhile
            }
            loadedSeqs.remove(done.seq());
            lane.attempts = 0;
            lane.running = false;
            loaded--;
            more = !lane.queue.isEmpty();
            if (!more) {
                lane.scheduled = false;
                lanes.remove(lane.key);
            }
        }
        if (more) {
            runHead(lane);
        } else {
            wake(); // room in the window: load more
        }
    }

    private void forgetOldIds() {
        try {
            int n = journal.forgetSeenBefore(clock.instant().minus(dedupeWindow)).join();
            if (n > 0) {
                log.debug("forgot {} event ids older than the dedupe window", n);
            }
        } catch (RuntimeException e) {
            log.warn("could not prune the dedupe table", e);
        }
    }

    /**
     * Stops taking new events, lets handlers that are running finish (up to {@code grace}), and
     * leaves everything else in the journal for the next start.
     */
    public void close(Duration grace) {
        running = false;
        wake();
        if (heartbeats != null) {
            heartbeats.shutdownNow();
        }
        try {
            pump.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} handlers still running after {}; their events will run again at next start",
                        inFlight.get(), grace);
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ownership.leave(); // the other nodes take the partitions at their next heartbeat, not after the lease time
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The dispatcher's meters, named as the Prometheus endpoint shows them without the suffixes. */
    private static final class Metrics {
        final MeterRegistry registry;
        final Counter received;
        final Counter duplicates;
        final Counter throttled;
        final Counter degraded;
        final Map<String, Counter> processed = new ConcurrentHashMap<>();

        Metrics(MeterRegistry registry, BacklogCount backlog, Ownership ownership, DoubleSupplier lag) {
            this.registry = registry;
            received = Counter.builder("linegate.events.received").description("events split out of webhooks")
                    .register(registry);
            duplicates = Counter.builder("linegate.events.duplicate")
                    .description("events skipped because their webhookEventId was already seen").register(registry);
            degraded = Counter.builder("linegate.events.degraded")
                    .description("events of a known type read without a sub-field whose shape the SDK does not know")
                    .register(registry);
            throttled = Counter.builder("linegate.events.throttled")
                    .description("times a source's event waited for its flood limit").register(registry);
            Gauge.builder("linegate.queue.depth", backlog, BacklogCount::get)
                    .description("events stored and not yet done").register(registry);
            Gauge.builder("linegate.cluster.partitions", ownership, Ownership::owned)
                    .description("event partitions this node holds").register(registry);
            // Held strongly: Micrometer holds a gauge's object weakly, and nothing else holds this lambda, so
            // the gauge read NaN once a collection had taken it.
            Gauge.builder("linegate.events.lag", lag, DoubleSupplier::getAsDouble).strongReference(true).baseUnit("seconds")
                    .description("age of the oldest event this node has loaded and not finished").register(registry);
        }

        Counter processed(String outcome) {
            return processed.computeIfAbsent(outcome, o -> Counter.builder("linegate.events.processed")
                    .description("events finished, by outcome").tag("outcome", o).register(registry));
        }
    }

    /** Options with defaults suited to a production bot. */
    public static final class Builder {
        private final Store store;
        private final EventHandler handler;
        private EventHandler floodHandler;
        private EventHandler maintenanceHandler;
        private Outbound outbound = Outbound.NONE;
        private Clock clock = Clock.systemUTC();
        private int workers = 32;
        private int window = 10_000;
        private int maxAttempts = 5;
        private Backoff backoff = Backoff.HANDLERS;
        private Duration dedupeWindow = Duration.ofHours(24);
        private Duration leaseTime = Duration.ofSeconds(10);
        private Duration heartbeatEvery = Duration.ofSeconds(1);
        private FloodPolicy floodPolicy = FloodPolicy.defaults();
        private final List<Middleware> middleware = new ArrayList<>();
        private DispatchListener listener = new DispatchListener() { };
        private FailurePolicy failurePolicy = FailurePolicy.standard();
        private MeterRegistry registry = new SimpleMeterRegistry();

        private Builder(Store store, EventHandler handler) {
            this.store = store;
            this.handler = handler;
        }

        /** The bot's flood and maintenance handlers and its middleware (after any already added). */
        public Builder bot(Bot bot) {
            this.floodHandler = bot.floodHandler();
            this.maintenanceHandler = bot.maintenanceHandler();
            bot.middleware().forEach(this::use);
            return this;
        }

        /**
         * Adds a link to the chain every event passes through before the handler (see
         * {@link Middleware}): after mute, maintenance and flood control, and after the links added
         * before it.
         */
        public Builder use(Middleware link) {
            middleware.add(java.util.Objects.requireNonNull(link, "middleware"));
            return this;
        }

        public Builder floodHandler(EventHandler h) { this.floodHandler = h; return this; }
        public Builder maintenanceHandler(EventHandler h) { this.maintenanceHandler = h; return this; }
        public Builder outbound(Outbound outbound) { this.outbound = outbound; return this; }
        public Builder clock(Clock clock) { this.clock = clock; return this; }
        public Builder registry(MeterRegistry registry) { this.registry = registry; return this; }
        public Builder floodPolicy(FloodPolicy policy) { this.floodPolicy = policy; return this; }

        /** Handler threads: how many conversations are handled at the same time. */
        public Builder workers(int n) { this.workers = positive(n, "workers"); return this; }

        /** How many stored events may be loaded in memory at once; the rest wait on disk. */
        public Builder window(int n) { this.window = positive(n, "window"); return this; }

        /** Attempts before an event is dead-lettered (1 = no retry). */
        public Builder maxAttempts(int n) { this.maxAttempts = positive(n, "maxAttempts"); return this; }

        public Builder backoff(Duration first, Duration max) {
            return backoff(new Backoff(first, max));
        }

        /** The delays between a handler's attempts (default {@link Backoff#HANDLERS}). */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * On a store shared by several nodes: how long a node's partitions stay its own without a
         * heartbeat (10 s by default), so how long a dead node's events wait before another takes
         * them; and how often heartbeats renew them (every second).
         */
        public Builder leases(Duration leaseTime, Duration heartbeatEvery) {
            if (heartbeatEvery.multipliedBy(3).compareTo(leaseTime) > 0) {
                throw new IllegalArgumentException("the lease time (" + leaseTime + ") must be at least three heartbeats ("
                        + heartbeatEvery + ")");
            }
            this.leaseTime = leaseTime;
            this.heartbeatEvery = heartbeatEvery;
            return this;
        }

        /** Told what became of each event once it is durable (see {@link DispatchListener}). */
        public Builder listener(DispatchListener listener) {
            this.listener = java.util.Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Which failures are retried and which are dead-lettered at once (default
         * {@link FailurePolicy#standard()}: LINE's 4xx other than 408/429, request-limit violations and
         * programming errors at once; the rest retried).
         */
        public Builder failurePolicy(FailurePolicy policy) {
            this.failurePolicy = Objects.requireNonNull(policy, "failure policy");
            return this;
        }

        /** How long a webhookEventId is remembered; at least 24 hours is advisable. */
        public Builder dedupeWindow(Duration d) { this.dedupeWindow = d; return this; }

        public Dispatcher build() {
            if (floodPolicy.action() == FloodPolicy.Action.ROUTE && floodHandler == null) {
                throw new IllegalArgumentException("flood action ROUTE needs a flood handler");
            }
            java.util.Objects.requireNonNull(handler, "handler");
            return new Dispatcher(this);
        }

        private static int positive(int n, String what) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " must be at least 1, was " + n);
            }
            return n;
        }
    }
}
