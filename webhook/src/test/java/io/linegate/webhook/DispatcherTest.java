package io.linegate.webhook;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.webhook.model.FollowEvent;
import com.linecorp.bot.webhook.model.MessageEvent;
import com.linecorp.bot.webhook.model.TextMessageContent;
import io.linegate.core.Secret;
import io.linegate.core.Ulid;
import io.linegate.core.WebhookSignature;
import io.linegate.store.EventJournal;
import io.linegate.store.OperatorControls;
import io.linegate.store.Store;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DispatcherTest {
    /** The store the dispatcher runs on; each call reopens the same data (a restart). */
    protected Store openStore() {
        return Store.sqlite(dir);
    }

    static final Secret SECRET = Secret.of("0123456789abcdef0123456789abcdef", "secret");

    @TempDir
    Path dir;

    Store store;
    Dispatcher dispatcher;
    WebhookReceiver receiver;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    void start(EventHandler handler, UnaryOperator<Dispatcher.Builder> options) {
        store = openStore();
        dispatcher = options.apply(Dispatcher.builder(store, handler).registry(registry)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50))).build().start();
        receiver = new WebhookReceiver(WebhookSignature.of(SECRET), store.journal(), dispatcher::appended, Clock.systemUTC());
    }

    void stop() {
        dispatcher.close(Duration.ofSeconds(5));
        store.close();
    }

    @AfterEach
    void tearDown() {
        if (dispatcher != null) {
            stop();
        }
    }

    void send(byte[] body) {
        assertThat(receiver.receive(body, WebhookSignature.sign(SECRET, body)).join().accepted()).isTrue();
    }

    double processed(String outcome) {
        var c = registry.find("linegate.events.processed").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void theLagGaugeShowsHowLongTheOldestLoadedEventHasWaited() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        start(ctx -> release.await(), b -> b);
        assertThat(registry.get("linegate.events.lag").gauge().value()).isZero();
        send(Webhooks.body(Webhooks.text(user(1), "waits")));
        await().atMost(Duration.ofSeconds(5)).until(() -> registry.get("linegate.events.lag").gauge().value() >= 0.3);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> registry.get("linegate.events.lag").gauge().value() == 0);
    }

    @Test
    void aWebhookToAnIdleDispatcherIsHandledWithoutWaitingForThePumpsSleepToRunOut() throws Exception {
        // With nothing to do, the pump sleeps up to 100 ms; the append (or the event done) must wake it, not
        // the end of that sleep, even though the signals only unpark a pump that says it is idle.
        BlockingQueue<String> handled = new LinkedBlockingQueue<>();
        start(ctx -> handled.add(ctx.event().webhookEventId()), b -> b);
        send(body(text(user(0), "first"))); // the JIT and the store's first statements out of the way
        assertThat(handled.poll(5, TimeUnit.SECONDS)).isNotNull();
        int rounds = 20;
        long started = System.nanoTime();
        for (int i = 1; i <= rounds; i++) {
            Thread.sleep(5); // the pump has gone idle
            send(body(text(user(i), "one at a time " + i)));
            assertThat(handled.poll(5, TimeUnit.SECONDS)).isNotNull();
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        // Woken: a few commits each (tens of ms in all on a slow disk). Left to sleep: about 100 ms each.
        assertThat(millis).as("%d webhooks one after the other", rounds).isLessThan(rounds * 60L);
    }

    @Test
    void eventsOfOneSourceAreHandledInOrderWhileSourcesRunConcurrently() throws Exception {
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        Map<String, AtomicInteger> perLane = new ConcurrentHashMap<>();
        start(ctx -> {
            int now = concurrent.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            assertThat(perLane.computeIfAbsent(ctx.sourceKey(), k -> new AtomicInteger()).incrementAndGet())
                    .as("two events of one source at once").isEqualTo(1);
            Thread.sleep(1);
            String text = ((TextMessageContent) ((MessageEvent) ctx.event()).message()).text();
            seen.computeIfAbsent(ctx.sourceKey(), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(Integer.parseInt(text));
            perLane.get(ctx.sourceKey()).decrementAndGet();
            concurrent.decrementAndGet();
        }, b -> b.workers(8));

        int users = 16;
        int perUser = 40;
        ExecutorService senders = Executors.newFixedThreadPool(8);
        for (int u = 0; u < users; u++) {
            String userId = user(u);
            senders.submit(() -> {
                for (int i = 0; i < perUser; i++) {
                    // Two events of one user in one body half the time: splitting must keep their order.
                    if (i % 2 == 0 && i + 1 < perUser) {
                        send(body(text(userId, String.valueOf(i)), text(userId, String.valueOf(i + 1))));
                        i++;
                    } else {
                        send(body(text(userId, String.valueOf(i))));
                    }
                }
            });
        }
        senders.shutdown();
        assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        await().atMost(Duration.ofSeconds(60)).until(() -> processed("handled") == users * perUser);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < perUser; i++) {
            expected.add(i);
        }
        assertThat(seen).hasSize(users);
        seen.values().forEach(list -> assertThat(list).containsExactlyElementsOf(expected));
        assertThat(maxConcurrent.get()).as("sources handled in parallel").isGreaterThan(1);
        assertThat(dispatcher.backlog()).isZero();
    }

    @Test
    void aSlowSourceDoesNotHoldUpOthers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        start(ctx -> {
            if (ctx.sourceKey().equals("user:" + user(1))) {
                release.await(10, TimeUnit.SECONDS);
            }
            handled.add(ctx.sourceKey());
        }, b -> b.workers(4));
        send(body(text(user(1), "slow"), text(user(1), "after-slow")));
        send(body(text(user(2), "a"), text(user(3), "b")));
        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 2);
        assertThat(handled).containsExactlyInAnyOrder("user:" + user(2), "user:" + user(3));
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 4);
    }

    @Test
    void aWebhookWithSeveralUsersAndTypesIsSplitPerEvent() {
        List<String> seen = new CopyOnWriteArrayList<>();
        start(EventRouter.builder()
                .onMessage(TextMessageContent.class, (ctx, t) -> seen.add(ctx.sourceKey() + " text " + t.text()))
                .on(FollowEvent.class, (ctx, f) -> seen.add(ctx.sourceKey() + " follow"))
                .build(), b -> b);
        send(body(text(user(1), "hello"), Webhooks.follow(user(2)), Webhooks.groupText("Cgroup", user(3), "hi all")));
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 3);
        assertThat(seen).containsExactlyInAnyOrder("user:" + user(1) + " text hello", "user:" + user(2) + " follow",
                "group:Cgroup text hi all");
    }

    @Test
    void theVerifyRequestIsAcceptedAndDispatchesNothing() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        start(ctx -> calls.incrementAndGet(), b -> b);
        send(body());
        Thread.sleep(300);
        assertThat(calls).hasValue(0);
        assertThat(store.journal().inbox(0, 10)).isEmpty();
    }

    @Test
    void aRepeatedEventIdIsHandledOnceEvenAcrossARestart() {
        AtomicInteger calls = new AtomicInteger();
        List<Boolean> redelivery = new CopyOnWriteArrayList<>();
        EventHandler handler = ctx -> {
            calls.incrementAndGet();
            redelivery.add(ctx.isRedelivery());
        };
        start(handler, b -> b);
        String id = Ulid.next();
        send(body(text(user(1), id, "once", false)));
        send(body(text(user(1), id, "once", true)));
        await().atMost(Duration.ofSeconds(5)).until(() -> processed("handled") == 1);
        stop();

        registry = new SimpleMeterRegistry();
        start(handler, b -> b);
        send(body(text(user(1), id, "once", true)));
        String other = Ulid.next();
        send(body(text(user(1), other, "redelivered first time", true)));
        await().atMost(Duration.ofSeconds(5)).until(() -> processed("handled") == 1);
        assertThat(calls).hasValue(2);
        assertThat(redelivery).containsExactly(false, true);
        assertThat(registry.get("linegate.events.duplicate").counter().count()).isEqualTo(1);
    }

    @Test
    void aFailingHandlerIsRetriedThenDeadLetteredAndCanBeReplayed() {
        AtomicInteger calls = new AtomicInteger();
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        AtomicInteger failUntil = new AtomicInteger(Integer.MAX_VALUE);
        List<String> behind = new CopyOnWriteArrayList<>();
        start(ctx -> {
            if (ctx.rawJson().contains("behind it")) {
                behind.add(ctx.sourceKey());
                return;
            }
            attempts.add(ctx.attempt());
            if (calls.incrementAndGet() < failUntil.get()) {
                throw new IllegalStateException("downstream is down");
            }
        }, b -> b.maxAttempts(3));
        send(body(text(user(1), "x"), text(user(1), "behind it")));
        await().atMost(Duration.ofSeconds(5)).until(() -> store.deadLetters().list(10).size() == 1);
        var letter = store.deadLetters().list(10).get(0);
        assertThat(letter.attempts()).isEqualTo(3);
        assertThat(letter.error()).contains("downstream is down");
        assertThat(attempts.subList(0, 3)).containsExactly(1, 2, 3);
        // The lane moves on after the dead letter: the next event of that user is not stuck.
        await().atMost(Duration.ofSeconds(5)).until(() -> behind.size() == 1);
        assertThat(calls).hasValue(3);

        failUntil.set(0);
        assertThat(store.deadLetters().replay(letter.id()).join()).isPresent();
        dispatcher.wake();
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 4 && store.journal().pending(0, 10).isEmpty());
        assertThat(store.deadLetters().list(10).get(0).replayedAt()).isNotNull();
    }

    @Test
    void aHandlerThrowingAnErrorIsRetriedLikeAnExceptionAndDoesNotStallItsConversation() {
        AtomicInteger calls = new AtomicInteger();
        List<String> later = new CopyOnWriteArrayList<>();
        start(ctx -> {
            if (ctx.rawJson().contains("later")) {
                later.add(ctx.sourceKey());
            } else if (calls.incrementAndGet() == 1) {
                throw new StackOverflowError("a deep recursion, this time");
            }
        }, b -> b.maxAttempts(3));
        send(body(text(user(1), "first"), text(user(1), "later")));
        await().atMost(Duration.ofSeconds(5)).until(() -> later.size() == 1);
        assertThat(calls).hasValue(2);
        assertThat(store.deadLetters().list(10)).isEmpty();
    }

    @Test
    void aFailureThatCannotSucceedOnRetryIsDeadLetteredAtOnceAndTheConversationMovesOn() {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        List<String> behind = new CopyOnWriteArrayList<>();
        start(ctx -> {
            if (ctx.rawJson().contains("behind it")) {
                behind.add(ctx.sourceKey());
                return;
            }
            attempts.add(ctx.attempt());
            if (ctx.rawJson().contains("npe")) {
                String missing = null;
                missing.length(); // a bug in the handler: the same event fails the same way every time
            }
            throw new NotRetryableException("this bot cannot handle such an event");
        }, b -> b.maxAttempts(5).backoff(Duration.ofSeconds(2), Duration.ofSeconds(2)));
        send(body(text(user(1), "npe"), text(user(1), "refused"), text(user(1), "behind it")));
        // With a 2 s backoff, a single retry would take longer than this wait.
        await().atMost(Duration.ofMillis(1500)).until(() -> behind.size() == 1);
        assertThat(attempts).containsExactly(1, 1);
        var letters = store.deadLetters().list(10);
        assertThat(letters).hasSize(2).allSatisfy(l -> assertThat(l.attempts()).isEqualTo(1));
        assertThat(letters).anySatisfy(l -> assertThat(l.error()).startsWith("not retried, a programming error")
                .contains("NullPointerException"));
        assertThat(letters).anySatisfy(l -> assertThat(l.error()).startsWith("not retried, a retry cannot succeed")
                .contains("this bot cannot handle such an event"));
        assertThat(processed("not_retryable")).isEqualTo(2);
        assertThat(processed("retried")).isZero();
    }

    @Test
    void replyingToAnEventWithoutAReplyTokenOrSendingWithoutSendingConfiguredFailsAtOnce() {
        List<String> behind = new CopyOnWriteArrayList<>();
        start(ctx -> {
            if (ctx.rawJson().contains("behind it")) {
                behind.add(ctx.sourceKey());
            } else {
                ctx.reply(new TextMessage("hello")); // Outbound.NONE: no sending configured
            }
        }, b -> b.maxAttempts(5).backoff(Duration.ofSeconds(2), Duration.ofSeconds(2)));
        String noToken = text(user(1), "no reply token").replaceAll(",\"replyToken\":\"[^\"]*\"", "");
        send(body(noToken, text(user(1), "no sending"), text(user(1), "behind it")));
        await().atMost(Duration.ofMillis(1500)).until(() -> behind.size() == 1);
        assertThat(store.deadLetters().list(10)).extracting(l -> l.error())
                .anySatisfy(e -> assertThat(e).contains("has no reply token"))
                .anySatisfy(e -> assertThat(e).contains("no sending is configured"));
    }

    @Test
    void standbyEventsReachTheHandlerWithSendingDisabled() {
        List<Message> sent = new CopyOnWriteArrayList<>();
        Outbound outbound = run -> RecordingApi.of(sent);
        List<Boolean> standby = new CopyOnWriteArrayList<>();
        start(ctx -> {
            standby.add(ctx.isStandby());
            ctx.push(new TextMessage("should not go out"));
        }, b -> b.outbound(outbound));
        String standbyEvent = text(user(1), "in standby").replace("\"mode\":\"active\"", "\"mode\":\"standby\"")
                .replaceAll(",\"replyToken\":\"[^\"]*\"", "");
        send(body(standbyEvent, text(user(2), "active")));
        await().atMost(Duration.ofSeconds(5)).until(() -> standby.size() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> processed("standby_send_blocked") == 1);
        assertThat(standby).containsExactlyInAnyOrder(true, false);
        assertThat(sent).hasSize(1);
        assertThat(store.deadLetters().list(10)).isEmpty();
    }

    @Test
    void unknownEventAndMessageTypesReachTheFallbackWithTheirRawJson() {
        List<String> fallback = new CopyOnWriteArrayList<>();
        List<String> texts = new CopyOnWriteArrayList<>();
        start(EventRouter.builder()
                .onMessage(TextMessageContent.class, (ctx, t) -> texts.add(ctx.rawJson()))
                .fallback(ctx -> fallback.add(ctx.rawJson()))
                .build(), b -> b);
        String futureEvent = "{\"type\":\"hologram\",\"hologram\":{\"depth\":3},\"webhookEventId\":\"01HZZZZZZZZZZZZZZZZZZZZZZ1\","
                + "\"timestamp\":1,\"mode\":\"active\",\"deliveryContext\":{\"isRedelivery\":false},"
                + "\"source\":{\"type\":\"user\",\"userId\":\"" + user(1) + "\"},\"brandNewField\":[1,2]}";
        String futureMessage = text(user(2), "x").replace("\"type\":\"text\"", "\"type\":\"smell\"");
        String futureMode = text(user(3), "x").replace("\"mode\":\"active\"", "\"mode\":\"dreaming\"");
        send(body(futureEvent, futureMessage, futureMode));
        await().atMost(Duration.ofSeconds(5)).until(() -> fallback.size() == 2 && texts.size() == 1);
        assertThat(fallback).anySatisfy(j -> assertThat(j).contains("hologram").contains("brandNewField"));
        assertThat(fallback).anySatisfy(j -> assertThat(j).contains("smell"));
        // A new value in a known field does not make a known event unknown: it still reaches its route.
        assertThat(texts).singleElement().satisfies(j -> assertThat(j).contains("dreaming"));
        assertThat(store.deadLetters().list(10)).isEmpty();
    }

    @Test
    void aBodyMixingValidAndInvalidEventsHandlesTheValidOnesAndDeadLettersExactlyTheInvalidOnes() {
        List<String> texts = new CopyOnWriteArrayList<>();
        start(EventRouter.builder().onMessage(TextMessageContent.class, (ctx, t) -> texts.add(t.text())).build(), b -> b);
        send(body(text(user(1), "first"), "42", "\"not an event\"", text(user(2), "second")));
        await().atMost(Duration.ofSeconds(5)).until(() -> texts.size() == 2 && store.deadLetters().list(10).size() == 2);
        assertThat(texts).containsExactlyInAnyOrder("first", "second");
        assertThat(store.deadLetters().list(10)).extracting(l -> l.payload())
                .containsExactlyInAnyOrder("42", "\"not an event\"");
        assertThat(store.deadLetters().list(10)).allSatisfy(l -> {
            assertThat(l.lane()).isEqualTo("unparsed");
            assertThat(l.error()).contains("is not a JSON object");
            assertThat(store.deadLetters().body(l.id())).isEmpty();
        });
        assertThat(processed("rejected")).isEqualTo(2);
    }

    @Test
    void anythingAfterTheJsonDocumentMakesTheWholeBodyADeadLetterKeptByteForByte() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        start(ctx -> calls.incrementAndGet(), b -> b);
        byte[] trailing = ("{\"events\":[]}" + new String(body(text(user(1), "smuggled")), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        byte[] duplicateKey = ("{\"events\":[],\"events\":[" + text(user(1), "also smuggled") + "]}")
                .getBytes(StandardCharsets.UTF_8);
        send(trailing);
        send(duplicateKey);
        await().atMost(Duration.ofSeconds(5)).until(() -> store.deadLetters().list(10).size() == 2);
        Thread.sleep(200);
        assertThat(calls).hasValue(0);
        assertThat(store.deadLetters().list(10)).allSatisfy(l -> assertThat(l.error()).contains("not one JSON document"));
        assertThat(store.deadLetters().list(10)).extracting(l -> store.deadLetters().body(l.id()).orElseThrow())
                .containsExactlyInAnyOrder(trailing, duplicateKey);
    }

    @Test
    void aSignedBodyThatIsNotUtf8IsKeptByteForByteAndReplayingItSplitsItsOriginalBytesAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        start(ctx -> calls.incrementAndGet(), b -> b);
        byte[] latin1 = body(text(user(1), "caf\u00e9")).clone();
        latin1 = new String(latin1, StandardCharsets.UTF_8).getBytes(StandardCharsets.ISO_8859_1); // é as one byte 0xE9
        send(latin1);
        await().atMost(Duration.ofSeconds(5)).until(() -> store.deadLetters().list(10).size() == 1);
        var letter = store.deadLetters().list(10).get(0);
        assertThat(store.deadLetters().body(letter.id())).hasValue(latin1);

        // Replayed, the original bytes are split again (not handed over as one event): still not UTF-8,
        // so they become a new dead letter with the same bytes, and the handler never sees them.
        assertThat(store.deadLetters().replay(letter.id()).join()).isPresent();
        dispatcher.appended();
        await().atMost(Duration.ofSeconds(5)).until(() -> store.deadLetters().list(10).size() == 2);
        var again = store.deadLetters().list(10).get(0);
        assertThat(again.id()).isNotEqualTo(letter.id());
        assertThat(store.deadLetters().body(again.id())).hasValue(latin1);
        assertThat(calls).hasValue(0);
    }

    @Test
    void replayingADeadLetteredBodyThatParsesNowSplitsItIntoItsEventsInOrder() {
        // A body an earlier version could not parse, kept as it came: a replay reads it afresh.
        List<String> texts = new CopyOnWriteArrayList<>();
        start(EventRouter.builder().onMessage(TextMessageContent.class, (ctx, t) -> texts.add(t.text())).build(), b -> b);
        byte[] original = body(text(user(1), "one"), text(user(1), "two"));
        store.journal().split(List.of(), List.of(), List.of(EventJournal.Rejected.body("inbox:0",
                original, Instant.now(), "an earlier parser's complaint"))).join();
        long id = store.deadLetters().list(10).get(0).id();
        assertThat(store.deadLetters().replay(id).join()).isPresent();
        dispatcher.appended();
        await().atMost(Duration.ofSeconds(5)).until(() -> texts.size() == 2);
        assertThat(texts).containsExactly("one", "two");
        assertThat(store.deadLetters().list(10)).hasSize(1);
    }

    @Test
    void aKnownMessageWhoseEmojisOrMentionChangedShapeStillReachesItsRouteWithItsText() {
        List<String> texts = new CopyOnWriteArrayList<>();
        List<List<String>> degraded = new CopyOnWriteArrayList<>();
        List<String> raw = new CopyOnWriteArrayList<>();
        List<String> fallback = new CopyOnWriteArrayList<>();
        start(EventRouter.builder()
                .onMessage(TextMessageContent.class, (ctx, t) -> {
                    texts.add(t.text());
                    degraded.add(ctx.degradedFields());
                    raw.add(ctx.rawJson());
                })
                .fallback(ctx -> fallback.add(ctx.rawJson()))
                .build(), b -> b);
        String changed = text(user(1), "hello $ @bob").replace("\"quoteToken\":\"q\"",
                "\"quoteToken\":\"q\",\"emojis\":\"now a string\",\"mention\":[{\"index\":{}}]");
        String partlyChanged = text(user(2), "hi $").replace("\"quoteToken\":\"q\"",
                "\"quoteToken\":\"q\",\"emojis\":[{\"index\":\"three\",\"length\":1,\"productId\":\"p\",\"emojiId\":\"e\"}]");
        send(body(changed, partlyChanged, text(user(3), "untouched")));
        await().atMost(Duration.ofSeconds(5)).until(() -> texts.size() == 3);
        assertThat(texts).containsExactlyInAnyOrder("hello $ @bob", "hi $", "untouched");
        assertThat(degraded).containsExactlyInAnyOrder(List.of("message.emojis", "message.mention"),
                List.of("message.emojis[0].index"), List.of());
        assertThat(raw).anySatisfy(j -> assertThat(j).contains("now a string"));
        assertThat(fallback).isEmpty();
        assertThat(registry.get("linegate.events.degraded").counter().count()).isEqualTo(2);
    }

    @Test
    void stateCommitsWithTheDoneMarkAndIsReadBack() {
        start(ctx -> {
            int n = ctx.state().get("count").map(Integer::parseInt).orElse(0);
            ctx.state().put("count", String.valueOf(n + 1));
        }, b -> b);
        for (int i = 0; i < 20; i++) {
            send(body(text(user(1), "t" + i)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> processed("handled") == 20);
        assertThat(store.conversations().state("user:" + user(1))).containsEntry("count", "20");
    }

    @Test
    void aStateChangeOfAFailedAttemptIsDiscarded() {
        AtomicInteger calls = new AtomicInteger();
        start(ctx -> {
            int n = ctx.state().get("count").map(Integer::parseInt).orElse(0);
            ctx.state().put("count", String.valueOf(n + 1));
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first attempt fails after writing state");
            }
        }, b -> b);
        send(body(text(user(1), "t")));
        await().atMost(Duration.ofSeconds(5)).until(() -> processed("handled") == 1);
        assertThat(store.conversations().state("user:" + user(1))).containsEntry("count", "1");
    }

    @Test
    void floodOverTheLimitIsDroppedForThatSourceOnly() {
        List<String> handled = new CopyOnWriteArrayList<>();
        start(ctx -> handled.add(ctx.sourceKey()), b -> b.floodPolicy(new FloodPolicy(3, FloodPolicy.Action.DROP)));
        for (int i = 0; i < 6; i++) {
            send(body(text(user(1), "spam" + i)));
        }
        send(body(text(user(2), "normal")));
        await().atMost(Duration.ofSeconds(5)).until(() -> processed("flood_dropped") == 3 && handled.size() == 4);
        assertThat(handled).filteredOn(s -> s.equals("user:" + user(1))).hasSize(3);
        assertThat(handled).contains("user:" + user(2));
    }

    @Test
    void floodOverTheLimitCanBeRoutedToASeparateHandler() {
        List<String> main = new CopyOnWriteArrayList<>();
        List<String> flood = new CopyOnWriteArrayList<>();
        start(ctx -> main.add(ctx.sourceKey()), b -> b.floodPolicy(new FloodPolicy(2, FloodPolicy.Action.ROUTE))
                .floodHandler(ctx -> flood.add(ctx.sourceKey())));
        for (int i = 0; i < 5; i++) {
            send(body(text(user(1), "spam" + i)));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> main.size() + flood.size() == 5);
        assertThat(main).hasSize(2);
        assertThat(flood).hasSize(3);
    }

    @Test
    void throttledFloodWaitsInsteadOfBeingDropped() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        start(ctx -> handled.add(ctx.sourceKey()), b -> b.floodPolicy(new FloodPolicy(2, FloodPolicy.Action.THROTTLE)));
        for (int i = 0; i < 4; i++) {
            send(body(text(user(1), "spam" + i)));
        }
        send(body(text(user(2), "normal")));
        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 3);
        Thread.sleep(300);
        assertThat(handled).hasSize(3);
        assertThat(store.journal().pending(0, 10)).hasSize(2); // waiting durably, not lost
        assertThat(registry.get("linegate.events.throttled").counter().count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void mutedSourcesAreSkippedWithoutARestart() {
        List<String> handled = new CopyOnWriteArrayList<>();
        start(ctx -> handled.add(ctx.sourceKey()), b -> b);
        store.controls().setControl(OperatorControls.MUTE, "user:" + user(1), true);
        dispatcher.refreshControls();
        send(body(text(user(1), "muted"), text(user(2), "not muted"), Webhooks.groupText("Cg", user(1), "muted in group")));
        await().atMost(Duration.ofSeconds(5)).until(() -> processed("muted") == 2);
        assertThat(handled).containsExactly("user:" + user(2));

        store.controls().setControl(OperatorControls.MUTE, "user:" + user(1), false);
        dispatcher.refreshControls();
        send(body(text(user(1), "back")));
        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 2);
    }

    @Test
    void maintenanceModeHoldsEventsUntilItEnds() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        start(ctx -> handled.add(ctx.sourceKey()), b -> b);
        store.controls().setControl(OperatorControls.MAINTENANCE, "on", true);
        dispatcher.refreshControls();
        send(body(text(user(1), "during maintenance")));
        Thread.sleep(500);
        assertThat(handled).isEmpty();
        store.controls().setControl(OperatorControls.MAINTENANCE, "on", false);
        dispatcher.refreshControls();
        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 1);
    }

    @Test
    void maintenanceModeRoutesToTheMaintenanceHandlerWhenTheBotHasOne() {
        List<String> main = new CopyOnWriteArrayList<>();
        List<String> maintenance = new CopyOnWriteArrayList<>();
        start(ctx -> main.add("x"), b -> b.maintenanceHandler(ctx -> maintenance.add(ctx.sourceKey())));
        store.controls().setControl(OperatorControls.MAINTENANCE, "on", true);
        dispatcher.refreshControls();
        send(body(text(user(1), "during maintenance")));
        await().atMost(Duration.ofSeconds(5)).until(() -> maintenance.size() == 1);
        assertThat(main).isEmpty();
    }

    @Test
    void theBacklogWaitsOnDiskNotInMemory() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        start(ctx -> {
            release.await(30, TimeUnit.SECONDS);
            handled.incrementAndGet();
        }, b -> b.window(10).workers(2));
        for (int i = 0; i < 100; i++) {
            send(body(text(user(i), "e")));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> store.journal().inbox(0, 1000).isEmpty());
        assertThat(store.journal().pending(0, 1000)).hasSize(100);
        release.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> handled.get() == 100);
        await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.backlog() == 0);
    }
}
