package io.linegate.webhook;

import java.util.List;

/**
 * A link of the chain every event passes through on its way to the bot's handler, in the spirit of
 * Bolt's middleware and Armeria's decorators. A link sees the event's context and decides:
 * <ul>
 *   <li><b>pass</b>: {@code return chain.proceed(ctx);} (and may act before and after it: time it,
 *       audit it, catch what the rest threw);</li>
 *   <li><b>stop</b>: {@code return Outcome.completed("not_allowed");}: the event is done, counted under
 *       that outcome, and its state changes commit with the done-mark;</li>
 *   <li><b>hold</b>: {@code return Outcome.deferred(Duration.ofSeconds(1));}: the event stays pending on
 *       disk and runs through the chain again after the delay (not counted as an attempt); the
 *       conversation's later events wait behind it;</li>
 *   <li><b>route</b>: handle the event with another handler and complete it:
 *       {@code other.handle(ctx); return Outcome.completed("routed");}</li>
 * </ul>
 * Throwing fails the event as a handler's exception does: the {@link FailurePolicy} decides whether it
 * is retried with backoff or dead-lettered at once.
 *
 * <p>The chain: mute, maintenance and flood control (the runtime's own links, switched by the
 * operator), then the bot's links in the order they were added ({@link Bot#middleware()},
 * {@link Dispatcher.Builder#use}), then the bot's handler. A link runs on the handler thread for
 * every event, so it must be cheap, or as slow as a handler is allowed to be.
 *
 * <pre>{@code
 * Middleware allowList = (ctx, chain) -> allowed.contains(ctx.sourceKey())
 *         ? chain.proceed(ctx) : Outcome.completed("not_allowed");
 * }</pre>
 */
@FunctionalInterface
public interface Middleware {

    /** Decides what becomes of the event: see the class comment. Never return null. */
    Outcome handle(EventContext ctx, Chain chain) throws Exception;

    /**
     * {@code links} in order, then {@code handler}, as one chain: what the dispatcher runs for each
     * event after its own links. Built once; running an event through it allocates nothing. For
     * tests, benchmarks and frameworks that run handlers themselves.
     */
    static Chain compose(List<Middleware> links, EventHandler handler) {
        return new MiddlewareChain(links, handler)::run;
    }

    /** The rest of the chain after a link. */
    @FunctionalInterface
    interface Chain {
        /**
         * Passes the event to the next link, and after the last one to the bot's handler; returns
         * what they decided ({@link Outcome#handled()} when the handler returned normally).
         */
        Outcome proceed(EventContext ctx) throws Exception;
    }
}
