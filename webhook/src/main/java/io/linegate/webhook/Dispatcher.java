package io.linegate.webhook;

import io.linegate.core.Backoff;
import io.linegate.core.Defaults;
import io.linegate.store.Cluster;
import io.linegate.store.EventJournal;
import io.linegate.store.EventJournal.StoredEvent;
import io.linegate.store.ConversationStates;
import io.linegate.store.Store;
import io.linegate.store.WriteFailures;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
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
    /**
     * Split events whose trees are kept for their handling (a few KiB each: at most about 5 MiB); past
     * it, the oldest are parsed again from the store when their turn comes.
     */
    private static final int PARSED_KEPT = 2_048;
    private static final Outcome STANDBY_SEND_BLOCKED = Outcome.completed("standby_send_blocked");

    private final EventJournal journal;
    private final ConversationStates states;
    private final MiddlewareChain chain;
    private final OperatorSwitches switches;
    private final Outbound outbound;
    private final Clock clock;
    private final int window;
    private static final int MAX_YIELD_MS = 20;
    private static final int LATE_LOOK_MS = 200;
    private final AtomicLong yields = new AtomicLong();
    private final Duration dedupeWindow;
    private final ExecutorService workers;
    private final ScheduledExecutorService timer;
    private final Thread pump;
    private final DispatchMetrics metrics;
    private final EventReader reader;
    private final Settlement settlement;
    private final Splitter splitter;
    private final Ownership ownership;
    private final ScheduledExecutorService heartbeats;
    private final Duration heartbeatEvery;

    // Guarded by "this".
    private final Map<String, Lane> lanes = new HashMap<>();
    private final Set<Long> loadedSeqs = new HashSet<>(); // so that a catch-up never loads an event twice
    private final int[] loadedIn; // loaded events per partition, to find events committed behind the cursor
    // Events finished here lately: a catch-up that read one just before its done-mark committed must not load it again.
    private final Set<Long> recentlyDone = new LinkedHashSet<>();
    private int loaded;
    private long loadCursor;
    private long catchUpCursor;
    private int catchUpGeneration; // the ownership's catch-up generation the cursor belongs to

    private volatile boolean running = true;
    private final BacklogCount backlog;
    private long nextLateLook; // nanoTime of the next look behind the load cursor (shared stores)
    /** The trees of events this node split, until they are handled here (bounded). */
    private final ParsedEvents parsedAtSplit = new ParsedEvents(PARSED_KEPT);
    private final AtomicInteger inFlight = new AtomicInteger();
    /**
     * Counts what may give the pump work (an append, an event done); with {@link #pumpIdle}, lets the
     * per-webhook and per-event signals wake the pump only when it sleeps for want of work, instead of
     * unparking it (a futex call and a context switch on a busy machine) for every one of them.
     */
    private final AtomicLong signals = new AtomicLong();
    private volatile boolean pumpIdle;

    private Dispatcher(Builder b) {
        this.journal = b.store.journal();
        this.states = b.store.conversations();
        this.switches = new OperatorSwitches(b.store.controls());
        this.outbound = b.outbound;
        this.clock = b.clock;
        this.window = b.window;
        this.dedupeWindow = b.dedupeWindow;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(b.workers, b.workers, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> daemon(r, "linegate-handler-" + n.incrementAndGet()));
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "linegate-dispatch-timer"));
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        this.ownership = new Ownership(b.store.cluster(), b.leaseTime);
        this.backlog = new BacklogCount(ownership.shared());
        this.loadedIn = new int[b.store.cluster().partitions()];
        this.heartbeatEvery = b.heartbeatEvery;
        this.heartbeats = ownership.shared() ? Executors.newSingleThreadScheduledExecutor(
                r -> daemon(r, "linegate-cluster-heartbeat")) : null;
        this.metrics = new DispatchMetrics(b.registry, backlog, ownership, this::lagSeconds);
        this.reader = new EventReader(parsedAtSplit, metrics);
        this.splitter = new Splitter(journal, ownership, backlog, metrics, parsedAtSplit);
        this.settlement = new Settlement(journal, b.listener, b.failurePolicy, b.maxAttempts, b.backoff, backlog, metrics,
                workers, new Settlement.Lanes() {
                    @Override
                    public void advance(Lane lane) {
                        Dispatcher.this.advance(lane);
                    }

                    @Override
                    public void retryLater(Lane lane, long delayMs) {
                        scheduleLater(lane, delayMs);
                    }

                    @Override
                    public void drop(Lane lane) {
                        synchronized (Dispatcher.this) {
                            Dispatcher.this.drop(lane);
                        }
                    }

                    @Override
                    public void attempted(Lane lane, int attempt) {
                        synchronized (Dispatcher.this) {
                            lane.attempts = attempt;
                        }
                    }
                });
        List<Middleware> links = new ArrayList<>();
        links.add(BuiltInLinks.mute(switches));
        links.add(BuiltInLinks.maintenance(switches, b.maintenanceHandler));
        links.add(BuiltInLinks.flood(new SourceFloodLimit(b.floodPolicy), b.floodHandler, metrics.throttled, b.clock));
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

    /** Called after each durable append: counts it in the backlog and wakes the pump if it sleeps. */
    public void appended() {
        backlog.appended();
        nudge();
    }

    /** Tells the dispatcher there may be new work (a replayed dead letter, say); cheap and idempotent. */
    public void wake() {
        LockSupport.unpark(pump); // no lock, and an early unpark is not lost
    }

    /**
     * There may be new work, per webhook or event: counted, and the pump unparked only if it is asleep
     * or about to sleep. A pump that is working or yielding to appends looks again by itself; one that
     * is going to sleep reads the count after saying so ({@link #pumpLoop}), so that either it sees this
     * signal or this sees it idle: no signal is lost.
     */
    private void nudge() {
        signals.incrementAndGet();
        if (pumpIdle) {
            LockSupport.unpark(pump);
        }
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
                long seen = signals.get(); // before the store is read: a signal after it is new work
                yieldToAppends();
                boolean worked = splitter.splitNext();
                worked |= loadPending();
                if (!worked && running) {
                    pumpIdle = true;
                    if (signals.get() == seen) {
                        LockSupport.parkNanos(100_000_000L);
                    }
                    pumpIdle = false;
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
            return ownership.shared() && lookBehindCursor(cursor);
        }
        synchronized (this) {
            loadCursor = batch.get(batch.size() - 1).seq();
        }
        enqueue(batch);
        return true;
    }

    /**
     * On a shared store, events are numbered in the order the numbers were given, not committed (see
     * {@link EventJournal}): one split's events can become visible after the load cursor has passed
     * their numbers. Every {@value #LATE_LOOK_MS} ms, when there is nothing new to load, this compares
     * the store's count of pending events up to the cursor with what is loaded, per partition, in one
     * statement; a partition where the store holds more is caught up again (its events behind the
     * cursor loaded, those already here skipped). Returns whether it found any.
     */
    private boolean lookBehindCursor(long cursor) {
        long now = System.nanoTime();
        if (now - nextLateLook < 0) {
            return false;
        }
        nextLateLook = now + TimeUnit.MILLISECONDS.toNanos(LATE_LOOK_MS);
        Set<Integer> steady = ownership.steady();
        // What is loaded, read before the store: an event finished in between leaves the store first and is
        // still counted here, so it can hide a late one until the next look but never looks like one.
        int[] here;
        synchronized (this) {
            here = loadedIn.clone();
        }
        Map<Integer, Long> stored = journal.pendingCounts(steady, cursor);
        boolean found = false;
        for (Map.Entry<Integer, Long> e : stored.entrySet()) {
            int p = e.getKey();
            if (e.getValue() > here[p] && steady.contains(p)) {
                metrics.lateFound.increment(e.getValue() - here[p]);
                ownership.recatch(p);
                found = true;
            }
        }
        return found;
    }

    private void enqueue(List<StoredEvent> batch) {
        List<Lane> toStart = new ArrayList<>();
        synchronized (this) {
            for (StoredEvent e : batch) {
                if (recentlyDone.contains(e.seq()) || !loadedSeqs.add(e.seq())) {
                    continue;
                }
                Lane lane = lanes.computeIfAbsent(e.lane(), k -> new Lane(k, e.partition()));
                lane.queue.addLast(e);
                loaded++;
                loadedIn[e.partition()]++;
                if (!lane.scheduled) {
                    lane.scheduled = true;
                    toStart.add(lane);
                }
            }
        }
        toStart.forEach(this::schedule);
    }

    // ---- lanes ---------------------------------------------------------------------------------

    private void schedule(Lane lane) {
        if (!running) {
            return;
        }
        try {
            workers.execute(() -> runHead(lane));
        } catch (RejectedExecutionException e) {
            // Shutting down: the event stays in the journal for the next start.
        }
    }

    private void scheduleLater(Lane lane, long delayMs) {
        synchronized (this) {
            ended(lane);
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
        Cluster.Run run;
        synchronized (this) {
            head = lane.queue.peekFirst();
            if (head == null || lanes.get(lane.key) != lane) {
                return; // unloaded: its partition went to another node
            }
            // Checked and counted in one step: a partition being handed over starts no run, and waits for this one.
            run = ownership.startRun(lane.partition);
            if (run == null) {
                drop(lane);
                return;
            }
            lane.running = true;
            lane.run = run;
            if (lane.attempts < head.attempts()) {
                lane.attempts = head.attempts();
            }
            if (lane.ledgerSeq != head.seq()) {
                lane.ledger = SentLedger.parse(head.sent()); // what earlier runs, here or elsewhere, had sent
                lane.ledgerSeq = head.seq();
            }
        }
        EventReader.Read read = reader.read(head);
        int attempt = lane.attempts + 1;
        int partition = lane.partition;
        DispatchedEvent ctx = new DispatchedEvent(head, read.tree(), read.event(), read.degraded(), attempt, states, outbound,
                clock, lane.ledger, journal, () -> ownership.mayContinue(partition, run));
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
            settlement.failed(lane, head, attempt, e);
            return;
        }
        inFlight.decrementAndGet();
        if (outcome.isDeferred()) {
            scheduleLater(lane, outcome.delay().toMillis()); // stays pending on disk; nothing of this run commits
            return;
        }
        settlement.done(lane, head, outcome.name(), ctx.stateChanges(), attempt);
    }

    /** Unloads a lane (its events stay in the store for whichever node holds the partition). Hold the monitor. */
    private void drop(Lane lane) {
        if (lanes.get(lane.key) == lane) {
            lanes.remove(lane.key);
        }
        loaded -= lane.queue.size();
        loadedIn[lane.partition] -= lane.queue.size();
        lane.queue.forEach(e -> loadedSeqs.remove(e.seq()));
        lane.queue.clear();
        ownership.recatch(lane.partition);
        lane.scheduled = false;
        ended(lane);
    }

    /**
     * The lane's run is over (settled, to be retried, deferred or left to another node): the cluster may hand its
     * partition over as far as this run goes. Hold the monitor.
     */
    private void ended(Lane lane) {
        lane.running = false;
        Cluster.Run run = lane.run;
        if (run != null) {
            lane.run = null;
            run.end();
        }
    }

    private void advance(Lane lane) {
        boolean more;
        synchronized (this) {
            StoredEvent done = lane.queue.pollFirst();
            if (done == null) {
                return; // unloaded meanwhile
            }
            loadedSeqs.remove(done.seq());
            recentlyDone.add(done.seq());
            if (recentlyDone.size() > 2 * window) {
                Iterator<Long> oldest = recentlyDone.iterator();
                oldest.next();
                oldest.remove();
            }
            lane.attempts = 0;
            ended(lane);
            loaded--;
            loadedIn[lane.partition]--;
            more = !lane.queue.isEmpty();
            if (!more) {
                lane.scheduled = false;
                lanes.remove(lane.key);
            }
        }
        if (more) {
            runHead(lane);
        } else {
            nudge(); // room in the window: load more
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
        synchronized (this) {
            // Runs whose settling was cut short by the stop (a done-mark's continuation refused by the stopped pool,
            // a handler still running past the grace) are given up here: nothing of them goes on in this node.
            lanes.values().forEach(this::ended);
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
    /** Options with defaults suited to a production bot. */
    public static final class Builder {
        private final Store store;
        private final EventHandler handler;
        private EventHandler floodHandler;
        private EventHandler maintenanceHandler;
        private Outbound outbound = Outbound.NONE;
        private Clock clock = Clock.systemUTC();
        private int workers = Defaults.WORKERS;
        private int window = Defaults.WINDOW;
        private int maxAttempts = Defaults.MAX_ATTEMPTS;
        private Backoff backoff = Backoff.HANDLERS;
        private Duration dedupeWindow = Defaults.DEDUPE_WINDOW;
        private Duration leaseTime = Defaults.LEASE_TIME;
        private Duration heartbeatEvery = Defaults.HEARTBEAT;
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
            middleware.add(Objects.requireNonNull(link, "middleware"));
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
            this.listener = Objects.requireNonNull(listener, "listener");
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
            Objects.requireNonNull(handler, "handler");
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
