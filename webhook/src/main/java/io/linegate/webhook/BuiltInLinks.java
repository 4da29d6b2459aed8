package io.linegate.webhook;

import com.linecorp.bot.webhook.model.Event;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's own links, first in every chain: mute, maintenance, flood control (guideline: "About
 * processing unexpected chat transmissions"). Each decides from state kept elsewhere (the operator's
 * switches, the flood windows) and says what becomes of the event; the dispatcher reacts.
 */
final class BuiltInLinks {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    /** How often a held event looks again whether maintenance is over. */
    static final Duration MAINTENANCE_RECHECK = Duration.ofSeconds(1);

    private BuiltInLinks() {}

    /** Events of a muted conversation, or of a muted user in any conversation, are done unhandled. */
    static Middleware mute(OperatorSwitches switches) {
        return (ctx, chain) -> {
            if (switches.muted(ctx.sourceKey())) {
                return Outcome.completed("muted");
            }
            Event event = ctx.event();
            String user = event.source() == null ? null : event.source().userId();
            if (user != null && switches.muted(ConversationKey.user(user).key())) {
                return Outcome.completed("muted");
            }
            return chain.proceed(ctx);
        };
    }

    /**
     * During maintenance, events go to the bot's maintenance handler if it has one, else they wait on
     * disk until maintenance ends.
     */
    static Middleware maintenance(OperatorSwitches switches, EventHandler maintenanceHandler) {
        Outcome held = Outcome.deferred(MAINTENANCE_RECHECK);
        Outcome routed = Outcome.completed("maintenance");
        return (ctx, chain) -> {
            if (!switches.maintenance()) {
                return chain.proceed(ctx);
            }
            if (maintenanceHandler == null) {
                return held;
            }
            maintenanceHandler.handle(ctx);
            return routed;
        };
    }

    /**
     * A source over its flood limit: its event waits for the limit's pace (THROTTLE), is done
     * unhandled (DROP) or goes to the flood handler (ROUTE). A retried event was counted on its first
     * attempt and is not counted again. THROTTLE counts at the time of handling, so the source's
     * events are spread at the limit's pace; DROP and ROUTE count at the time LINE sent the event, so
     * a backlog handled late is judged by how fast the user really sent.
     */
    static Middleware flood(SourceFloodLimit flood, EventHandler floodHandler, Counter throttled, Clock clock) {
        FloodPolicy.Action action = flood.policy().action();
        if (action == FloodPolicy.Action.ROUTE && floodHandler == null) {
            throw new IllegalArgumentException("flood action ROUTE needs a flood handler");
        }
        Outcome dropped = Outcome.completed("flood_dropped");
        Outcome routed = Outcome.completed("flood_routed");
        return (ctx, chain) -> {
            if (ctx.attempt() > 1) {
                return chain.proceed(ctx);
            }
            long at = action == FloodPolicy.Action.THROTTLE ? clock.millis() : ctx.receivedAt().toEpochMilli();
            long wait = flood.admit(ctx.sourceKey(), at);
            if (wait <= 0) {
                return chain.proceed(ctx);
            }
            switch (action) {
                case THROTTLE:
                    throttled.increment();
                    return Outcome.deferred(Duration.ofMillis(wait));
                case DROP:
                    log.warn("source {} is over its flood limit; event {} dropped", ctx.sourceKey(), ctx.eventId());
                    return dropped;
                default:
                    floodHandler.handle(ctx);
                    return routed;
            }
        };
    }
}
