package io.linegate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import io.linegate.store.EventJournal.InboxEntry;
import io.linegate.store.EventJournal.NewEvent;
import io.linegate.store.EventJournal.Rejected;
import io.linegate.store.EventJournal.StoredEvent;
import io.linegate.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;

/**
 * The webhook body path against any signed body (the seed corpus runs in every build;
 * {@code JAZZER_FUZZ=1} fuzzes, see docs/fuzzing.md): splitting never throws and accounts for every
 * element, reading an event never throws, and the whole path (journal, split, dedupe, dispatch)
 * handles each event id at most once and always drains.
 */
class WebhookBodyFuzzTest {
    static final Secret SECRET = Secret.of("0123456789abcdef0123456789abcdef", "fuzz secret");

    @FuzzTest(maxDuration = "60s")
    void splittingAnyBodyNeverThrowsAndAccountsForEveryElement(byte[] body) throws Exception {
        List<NewEvent> events = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        WebhookBodies.split(new InboxEntry(1, Instant.EPOCH, body), events, rejected);

        boolean wholeBodyRejected = rejected.size() == 1 && rejected.get(0).body() != null;
        if (wholeBodyRejected) {
            assertThat(events).isEmpty();
            assertThat(rejected.get(0).body()).isEqualTo(body);
            assertThat(rejected.get(0).payload()).doesNotContain("\u0000");
            return;
        }
        assertThat(rejected).allSatisfy(r -> assertThat(r.body()).isNull());
        JsonNode root = readStrictly(body);
        assertThat(events.size() + rejected.size()).isEqualTo(root.path("events").size());
        for (NewEvent e : events) {
            assertThat(Json.mapper().readTree(e.payload()).isObject()).isTrue();
            assertThat(e.eventId()).isNotEmpty();
            assertThat(e.lane()).matches("^(user|group|room|event):.*");
        }
    }

    @FuzzTest(maxDuration = "60s")
    void anyEventIsReadIntoTheModelWithoutThrowing(byte[] input) throws Exception {
        String json = new String(input, StandardCharsets.UTF_8);
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(json);
        } catch (Exception notJson) {
            return; // the split has rejected it already
        }
        if (tree == null || !tree.isObject()) {
            return;
        }
        SdkEvents.Parsed parsed = SdkEvents.parse(tree);
        assertThat(parsed.event()).isNotNull();
        assertThat(parsed.degraded()).doesNotHaveDuplicates().noneMatch(f -> f.equals("type") || f.endsWith(".type"));
        StoredEvent stored = new StoredEvent(1, "id", "user:U", "Ubot", json, Instant.EPOCH, 0, 0, null);
        DispatchedEvent ctx = new DispatchedEvent(stored, tree, parsed.event(), parsed.degraded(), 1, null,
                Outbound.NONE, Clock.systemUTC(), SentLedger.parse(stored.sent()), null, () -> true);
        ctx.replyToken();
        ctx.isRedelivery();
        ctx.isStandby();
        EventRouter.builder().fallback(c -> { }).build().handle(ctx);
    }

    // ---- the whole path, on one store and dispatcher for the whole run --------------------------

    static Path dir;
    static Store store;
    static Dispatcher dispatcher;
    static WebhookReceiver receiver;
    static final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

    static synchronized void startOnce() throws Exception {
        if (store == null) {
            dir = Files.createTempDirectory("linegate-fuzz");
            store = Store.sqlite(dir);
            dispatcher = Dispatcher.builder(store, ctx -> {
                String id = ctx.event() == null ? null : ctx.event().webhookEventId();
                handled.computeIfAbsent(ctx.rawJson() + "|" + id, k -> new AtomicInteger()).incrementAndGet();
                if (ctx.rawJson().contains("\"fail\"")) {
                    throw new IllegalStateException("a handler that fails");
                }
            }).maxAttempts(2).backoff(Duration.ofMillis(1), Duration.ofMillis(2)).workers(4).build().start();
            receiver = new WebhookReceiver(WebhookSignature.of(SECRET), store.journal(), dispatcher::appended, Clock.systemUTC());
        }
    }

    @AfterAll
    static void stopOnce() throws Exception {
        if (store != null) {
            dispatcher.close(Duration.ofSeconds(5));
            store.close();
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            store = null;
        }
    }

    @FuzzTest(maxDuration = "120s")
    void anySignedBodyIsJournaledDispatchedAndDrainedWithEachEventHandledAtMostOnce(FuzzedDataProvider data)
            throws Exception {
        startOnce();
        byte[] body = data.consumeRemainingAsBytes();
        assertThat(receiver.receive(body, WebhookSignature.sign(SECRET, body)).join().accepted()).isTrue();
        assertThat(receiver.receive(body, WebhookSignature.sign(SECRET, body)).join().accepted()).isTrue(); // a redelivery
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(2))
                .until(() -> store.journal().inbox(0, 1).isEmpty() && dispatcher.backlog() == 0);
        // Each distinct event (by its JSON and id) ran once per attempt at most: never twice for the redelivery.
        assertThat(handled.values()).allSatisfy(n -> assertThat(n.get()).isBetween(1, 2));
    }

    private static JsonNode readStrictly(byte[] body) {
        try {
            return Json.mapper().readTree(body);
        } catch (Exception e) {
            throw new AssertionError("the split accepted a body that does not parse", e);
        }
    }
}
