package io.linegate.webhook;

import io.linegate.store.OperatorControls;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switches an operator flips at run time (muted sources, maintenance mode), as last read from the
 * store. The dispatcher re-reads them periodically; the built-in links read the copy here, so that
 * checking them costs no store access per event.
 */
final class OperatorSwitches {
    private static final Logger log = LoggerFactory.getLogger(OperatorSwitches.class);

    private final OperatorControls store;
    private volatile Set<String> muted = Set.of();
    private volatile boolean maintenance;
    private boolean failing; // under this object's lock

    OperatorSwitches(OperatorControls store) {
        this.store = store;
    }

    /**
     * Re-reads the switches; on a store failure the previous ones stay. A failure is said once, without a
     * stack trace, until a read succeeds again (the refresh runs every few seconds: a store that cannot be
     * read for minutes would otherwise repeat it, and the store says its own failure).
     */
    synchronized void refresh() {
        try {
            muted = Set.copyOf(store.controls(OperatorControls.MUTE));
            maintenance = store.controls(OperatorControls.MAINTENANCE).contains("on");
            if (failing) {
                failing = false;
                log.info("operator controls read again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("could not refresh operator controls ({}); keeping the previous ones until they can be read", e.toString());
            } else {
                log.debug("operator controls still cannot be read: {}", e.toString());
            }
        }
    }

    boolean muted(String sourceKey) {
        return muted.contains(sourceKey);
    }

    boolean maintenance() {
        return maintenance;
    }
}
