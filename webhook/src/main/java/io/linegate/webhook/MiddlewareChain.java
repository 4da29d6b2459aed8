package io.linegate.webhook;

import java.util.List;
import java.util.Objects;

/**
 * Links in order, then the handler. Each position's rest-of-chain is built once, so running an
 * event through the chain allocates nothing.
 */
final class MiddlewareChain {
    private final Middleware.Chain head;

    MiddlewareChain(List<Middleware> links, EventHandler handler) {
        Objects.requireNonNull(handler, "handler");
        Middleware.Chain next = ctx -> {
            handler.handle(ctx);
            return Outcome.handled();
        };
        for (int i = links.size() - 1; i >= 0; i--) {
            Middleware link = Objects.requireNonNull(links.get(i), "middleware");
            Middleware.Chain rest = next;
            next = ctx -> {
                Outcome outcome = link.handle(ctx, rest);
                if (outcome == null) {
                    throw new NullPointerException("middleware " + link.getClass().getName() + " returned no outcome");
                }
                return outcome;
            };
        }
        this.head = next;
    }

    Outcome run(EventContext ctx) throws Exception {
        return head.proceed(ctx);
    }
}
