package io.linegate.webhook;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.bot.webhook.model.MessageEvent;
import com.linecorp.bot.webhook.model.TextMessageContent;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import io.linegate.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Invariants of dispatching, stated once for any arrangement jqwik draws: events of one source are
 * handled in the order they arrived, however they are spread over bodies and interleaved with other
 * sources, and sending the same events again (in any grouping) never handles one twice.
 */
class DispatcherProperties {
    static final Secret SECRET = Secret.of("0123456789abcdef0123456789abcdef", "secret");

    /** One dispatcher on a fresh store, closed after the try. */
    static final class Run implements AutoCloseable {
        final Path dir;
        final Store store;
        final Dispatcher dispatcher;
        final WebhookReceiver receiver;

        Run(EventHandler handler) throws Exception {
            dir = Files.createTempDirectory("linegate-props");
            store = Store.sqlite(dir);
            dispatcher = Dispatcher.builder(store, handler).workers(4).build().start();
            receiver = new WebhookReceiver(WebhookSignature.of(SECRET), store.journal(), dispatcher::appended, Clock.systemUTC());
        }

        void send(List<String> events) {
            byte[] b = body(events.toArray(new String[0]));
            assertThat(receiver.receive(b, WebhookSignature.sign(SECRET, b)).join().accepted()).isTrue();
        }

        void drained() {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
                    .until(() -> store.journal().inbox(0, 1).isEmpty() && dispatcher.backlog() == 0);
        }

        @Override
        public void close() throws Exception {
            dispatcher.close(Duration.ofSeconds(5));
            store.close();
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Provide
    Arbitrary<List<Integer>> bodySizes() {
        return Arbitraries.integers().between(1, 6).list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 15)
    void eventsOfEachSourceAreHandledInTheOrderTheyArrived(
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 4) Integer> sources,
            @ForAll("bodySizes") List<Integer> bodySizes) throws Exception {
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        try (Run run = new Run(ctx -> {
            String n = ((TextMessageContent)
                    ((MessageEvent) ctx.event()).message()).text();
            seen.computeIfAbsent(ctx.sourceKey(), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(Integer.parseInt(n));
        })) {
            // Event i comes from sources[i]; bodies take the next bodySizes[j] events, cycling through the sizes.
            List<String> pending = new ArrayList<>();
            int size = 0;
            for (int i = 0; i < sources.size(); i++) {
                pending.add(text(user(sources.get(i)), String.valueOf(i)));
                if (pending.size() >= bodySizes.get(size % bodySizes.size())) {
                    run.send(pending);
                    pending = new ArrayList<>();
                    size++;
                }
            }
            if (!pending.isEmpty()) {
                run.send(pending);
            }
            run.drained();
        }
        for (int source = 0; source <= 4; source++) {
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < sources.size(); i++) {
                if (sources.get(i) == source) {
                    expected.add(i);
                }
            }
            assertThat(seen.getOrDefault("user:" + user(source), List.of())).as("source %d", source)
                    .containsExactlyElementsOf(expected);
        }
    }

    @Property(tries = 15)
    void sendingEventsAgainInAnyGroupingNeverHandlesOneTwice(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 15) Integer> ids,
            @ForAll("bodySizes") List<Integer> bodySizes) throws Exception {
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            // The same id is the same event, redelivered: LINE's redeliveries repeat the event as it was.
            String id = String.format("01PROPERTY%016d", ids.get(i));
            events.add(text(user(ids.get(i) % 3), id, "e" + ids.get(i), i % 2 == 1));
        }
        try (Run run = new Run(ctx -> handled.computeIfAbsent(ctx.event().webhookEventId(), k -> new AtomicInteger())
                .incrementAndGet())) {
            for (int round = 0; round < 2; round++) {
                int at = 0;
                int size = round;
                while (at < events.size()) {
                    int n = Math.min(bodySizes.get(size++ % bodySizes.size()), events.size() - at);
                    run.send(events.subList(at, at + n));
                    at += n;
                }
                run.drained();
            }
        }
        assertThat(handled.keySet()).hasSize((int) ids.stream().distinct().count());
        assertThat(handled.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }
}
