package io.linegate.webhook;

import com.linecorp.bot.jackson.ModelObjectMapper;
import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.webhook.model.Event;
import io.linegate.store.OperatorControls;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 12, "How fast": what the middleware chain costs per event. In the webhook package so that it
 * runs the dispatcher's real links (mute, maintenance, flood control: package-private), not copies.
 * <ul>
 *   <li>{@code direct}: the handler called as it was before the chain existed (the baseline);</li>
 *   <li>{@code fivePassThroughLinks}: five links that only pass the event on (the chain itself);</li>
 *   <li>{@code runtimeLinksAndTwoOfTheBots}: the dispatcher's chain for a bot with two links of its own:
 *       mute (two set lookups), maintenance (off), flood control (the sliding window of the event's
 *       source, THROTTLE at 120/min, 1,000 sources so none is over its limit), an allow-list link and
 *       an audit link (a counter): five links, real work.</li>
 * </ul>
 * Events are parsed once in set-up (the dispatcher parses each event once, before the chain, whatever
 * the chain). Per-event overhead = a chain's score minus {@code direct}'s. Target: under 2 µs for 5 links.
 * Run with {@code java -cp linegate-bench.jar org.openjdk.jmh.Main ChainOverhead} (bench/middleware.sh).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class ChainOverhead {
    private static final int SOURCES = 1000;

    private EventContext[] events;
    private int next;
    private final LongAdder handled = new LongAdder();
    private EventHandler handler;
    private Middleware.Chain fivePassThrough;
    private Middleware.Chain realFive;

    @Setup
    public void setUp() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper sdk = ModelObjectMapper.createNewObjectMapper();
        events = new EventContext[SOURCES];
        for (int i = 0; i < SOURCES; i++) {
            String user = String.format("U%032x", i);
            String json = "{\"type\":\"message\",\"message\":{\"type\":\"text\",\"id\":\"1\",\"quoteToken\":\"q\",\"text\":\"hi\"},"
                    + "\"webhookEventId\":\"01J" + i + "\",\"deliveryContext\":{\"isRedelivery\":false},\"timestamp\":1,"
                    + "\"source\":{\"type\":\"user\",\"userId\":\"" + user + "\"},\"replyToken\":\"r\",\"mode\":\"active\"}";
            events[i] = new Context(sdk.readValue(json, Event.class), "user:" + user);
        }
        handler = ctx -> handled.increment();
        Middleware pass = (ctx, chain) -> chain.proceed(ctx);
        fivePassThrough = Middleware.compose(List.of(pass, pass, pass, pass, pass), handler);

        OperatorSwitches switches = new OperatorSwitches(new OperatorControls() {
            @Override
            public Set<String> controls(String kind) {
                return kind.equals(MUTE) ? Set.of("user:U00000000000000000000000000badbad", "group:Cnoisy") : Set.of();
            }

            @Override
            public void setControl(String kind, String subject, boolean on) {
            }

            @Override
            public void audit(String actor, String action, String subject, String detail) {
            }

            @Override
            public List<AuditEntry> auditTrail(int limit) {
                return List.of();
            }
        });
        switches.refresh();
        Counter throttled = Counter.builder("throttled").register(new SimpleMeterRegistry());
        Set<String> blocked = Set.of("user:U00000000000000000000000000000bad");
        LongAdder audited = new LongAdder();
        realFive = Middleware.compose(List.of(
                BuiltInLinks.mute(switches),
                BuiltInLinks.maintenance(switches, null),
                // A clock 1 ms ahead per event: each of the 1,000 sources sends one event a (fake) second,
                // 60 a minute, under its limit, and quiet windows are swept once a (fake) minute.
                BuiltInLinks.flood(new SourceFloodLimit(new FloodPolicy(120, FloodPolicy.Action.THROTTLE)), null, throttled,
                        new AdvancingClock()),
                (ctx, chain) -> blocked.contains(ctx.sourceKey()) ? Outcome.completed("not_allowed") : chain.proceed(ctx),
                (ctx, chain) -> {
                    audited.increment();
                    return chain.proceed(ctx);
                }), handler);
    }

    private EventContext nextEvent() {
        int i = next;
        next = i + 1 == SOURCES ? 0 : i + 1;
        return events[i];
    }

    @Benchmark
    public Outcome direct() throws Exception {
        handler.handle(nextEvent());
        return Outcome.handled();
    }

    @Benchmark
    public Outcome fivePassThroughLinks() throws Exception {
        return fivePassThrough.proceed(nextEvent());
    }

    @Benchmark
    public Outcome runtimeLinksAndTwoOfTheBots() throws Exception {
        return realFive.proceed(nextEvent());
    }

    /** Moves on a millisecond per reading: the events' pace as the flood windows see it. */
    static final class AdvancingClock extends Clock {
        private long now;

        @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public long millis() { return ++now; }
        @Override public Instant instant() { return Instant.ofEpochMilli(millis()); }
    }

    /** What the chain reads of an event; nothing else is used. */
    static final class Context implements EventContext {
        private final Event event;
        private final String source;

        Context(Event event, String source) {
            this.event = event;
            this.source = source;
        }

        @Override public Event event() { return event; }
        @Override public String eventId() { return event.webhookEventId(); }
        @Override public Instant receivedAt() { return Instant.EPOCH; }
        @Override public String rawJson() { return ""; }
        @Override public String sourceKey() { return source; }
        @Override public String destination() { return "Ubot"; }
        @Override public Optional<String> replyToken() { return Optional.empty(); }
        @Override public Duration replyTokenAge() { return Duration.ZERO; }
        @Override public boolean isRedelivery() { return false; }
        @Override public boolean isStandby() { return false; }
        @Override public int attempt() { return 1; }
        @Override public ConversationState state() { throw new UnsupportedOperationException(); }
        @Override public void reply(List<Message> messages) { throw new UnsupportedOperationException(); }
        @Override public void push(List<Message> messages) { throw new UnsupportedOperationException(); }
        @Override public MessagingApiClient api() { throw new UnsupportedOperationException(); }
        @Override public MessagingApiBlobClient blob() { throw new UnsupportedOperationException(); }
        @Override public String issueLinkToken() { throw new UnsupportedOperationException(); }
    }
}
