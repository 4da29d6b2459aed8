package io.linegate.webhook;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.linecorp.bot.webhook.model.MessageEvent;
import com.linecorp.bot.webhook.model.TextMessageContent;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import io.linegate.store.OperatorControls;
import io.linegate.store.Store;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The middleware chain: order, pass, stop, hold, route, failures; the runtime's own links first. */
class MiddlewareTest {
    static final Secret SECRET = Secret.of("0123456789abcdef0123456789abcdef", "secret");

    @TempDir
    Path dir;

    Store store;
    Dispatcher dispatcher;
    WebhookReceiver receiver;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final List<String> trace = new CopyOnWriteArrayList<>();

    void start(EventHandler handler, UnaryOperator<Dispatcher.Builder> options) {
        store = Store.sqlite(dir);
        dispatcher = options.apply(Dispatcher.builder(store, handler).registry(registry)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50))).build().start();
        receiver = new WebhookReceiver(WebhookSignature.of(SECRET), store.journal(), dispatcher::appended, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (dispatcher != null) {
            dispatcher.close(Duration.ofSeconds(5));
            store.close();
        }
    }

    void send(byte[] body) {
        assertThat(receiver.receive(body, WebhookSignature.sign(SECRET, body)).join().accepted()).isTrue();
    }

    double processed(String outcome) {
        var c = registry.find("linegate.events.processed").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    static String textOf(EventContext ctx) {
        return ((TextMessageContent) ((MessageEvent) ctx.event()).message()).text();
    }

    /** A link that writes its name in the trace on the way in and on the way out. */
    Middleware tracing(String name) {
        return (ctx, chain) -> {
            trace.add(name + " in");
            Outcome o = chain.proceed(ctx);
            trace.add(name + " out " + o);
            return o;
        };
    }

    @Test
    void linksRunInOrderAroundTheHandlerTheBotsFirst() {
        Bot bot = new Bot() {
            @Override public String name() { return "b"; }
            @Override public EventHandler handler() { return ctx -> trace.add("handler"); }
            @Override public List<Middleware> middleware() { return List.of(tracing("bot-1"), tracing("bot-2")); }
        };
        start(bot.handler(), b -> b.bot(bot).use(tracing("used")));
        send(body(text(user(1), "hi")));
        await().atMost(Duration.ofSeconds(5)).until(() -> processed("handled") == 1);
        assertThat(trace).containsExactly("bot-1 in", "bot-2 in", "used in", "handler", "used out handled",
                "bot-2 out handled", "bot-1 out handled");
    }

    @Test
    void aLinkThatStopsCompletesTheEventWithoutTheHandlerAndItsStateCommits() {
        start(ctx -> trace.add("handler saw " + textOf(ctx)), b -> b.use((ctx, chain) -> {
            if (textOf(ctx).startsWith("spam")) {
                ctx.state().put("blocked", "yes");
                return Outcome.completed("not_allowed");
            }
            return chain.proceed(ctx);
        }));
        send(body(text(user(1), "spam!"), text(user(1), "hello")));
        await().atMost(Duration.ofSeconds(5)).until(() -> processed("handled") == 1 && processed("not_allowed") == 1);
        assertThat(trace).containsExactly("handler saw hello");
        assertThat(store.conversations().state("user:" + user(1))).containsEntry("blocked", "yes");
        assertThat(store.journal().pending(0, 10)).isEmpty();
    }

    @Test
    void aHeldEventWaitsOnDiskHoldsUpItsConversationButNotOthersAndIsNotAnAttempt() {
        AtomicBoolean open = new AtomicBoolean();
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        start(ctx -> {
            trace.add(ctx.sourceKey().substring(ctx.sourceKey().length() - 1) + ":" + textOf(ctx));
            attempts.add(ctx.attempt());
        }, b -> b.use((ctx, chain) -> {
            if (!open.get() && ctx.sourceKey().equals("user:" + user(1))) {
                return Outcome.deferred(Duration.ofMillis(20));
            }
            return chain.proceed(ctx);
        }));
        send(body(text(user(1), "first"), text(user(1), "second"), text(user(2), "other")));
        await().atMost(Duration.ofSeconds(5)).until(() -> trace.contains("2:other"));
        assertThat(trace).containsExactly("2:other");
        assertThat(store.journal().pending(0, 10)).hasSize(2);
        open.set(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> trace.size() == 3);
        assertThat(trace).containsExactly("2:other", "1:first", "1:second");
        assertThat(attempts).containsOnly(1);
    }

    @Test
    void aLinkCanRouteAnEventToAnotherHandler() {
        EventHandler vip = ctx -> trace.add("vip " + textOf(ctx));
        start(ctx -> trace.add("normal " + textOf(ctx)), b -> b.use((ctx, chain) -> {
            if (ctx.sourceKey().equals("user:" + user(7))) {
                vip.handle(ctx);
                return Outcome.completed("vip");
            }
            return chain.proceed(ctx);
        }));
        send(body(text(user(7), "a"), text(user(8), "b")));
        await().atMost(Duration.ofSeconds(5)).until(() -> trace.size() == 2);
        assertThat(trace).containsExactlyInAnyOrder("vip a", "normal b");
        assertThat(processed("vip")).isEqualTo(1);
    }

    @Test
    void aLinkThatThrowsFailsTheEventAsAHandlerWouldAndSeesTheHandlersFailures() {
        List<String> seen = new CopyOnWriteArrayList<>();
        start(ctx -> {
            if (ctx.attempt() == 1) {
                throw new IllegalStateException("downstream is down");
            }
            trace.add("handled on attempt " + ctx.attempt());
        }, b -> b.use((ctx, chain) -> {
            try {
                return chain.proceed(ctx);
            } catch (IllegalStateException e) {
                seen.add("attempt " + ctx.attempt() + ": " + e.getMessage());
                throw e;
            }
        }));
        send(body(text(user(1), "x")));
        await().atMost(Duration.ofSeconds(5)).until(() -> processed("handled") == 1);
        assertThat(seen).containsExactly("attempt 1: downstream is down");
        assertThat(trace).containsExactly("handled on attempt 2");
    }

    @Test
    void theRuntimesOwnLinksComeFirstSoAMutedSourceNeverReachesTheBotsLinks() {
        start(ctx -> trace.add("handler"), b -> b.use(tracing("bot")));
        store.controls().setControl(OperatorControls.MUTE, "user:" + user(1), true);
        dispatcher.refreshControls();
        send(body(text(user(1), "muted"), text(user(2), "heard")));
        await().atMost(Duration.ofSeconds(5)).until(() -> processed("muted") == 1 && processed("handled") == 1);
        assertThat(trace).containsExactly("bot in", "handler", "bot out handled");
    }

    @Test
    void aLinkThatReturnsNoOutcomeFailsTheEventInsteadOfHangingIt() {
        start(ctx -> trace.add("handler"), b -> b.maxAttempts(1).use((ctx, chain) -> null));
        send(body(text(user(1), "x")));
        await().atMost(Duration.ofSeconds(5)).until(() -> !store.deadLetters().list(10).isEmpty());
        assertThat(store.deadLetters().list(10).get(0).error()).contains("returned no outcome");
        assertThat(trace).isEmpty();
    }

    @Test
    void outcomeNamesAreMetricFriendlyAndDeferralsNeedADelay() {
        assertThat(Outcome.completed("not_allowed").name()).isEqualTo("not_allowed");
        assertThat(Outcome.completed("handled")).isSameAs(Outcome.handled());
        assertThatThrownBy(() -> Outcome.completed("Not Allowed")).hasMessageContaining("lower case");
        assertThatThrownBy(() -> Outcome.completed("x".repeat(41))).hasMessageContaining("at most 40");
        assertThatThrownBy(() -> Outcome.deferred(Duration.ZERO)).hasMessageContaining("positive delay");
        assertThat(Outcome.deferred(Duration.ofSeconds(1)).isDeferred()).isTrue();
    }
}
