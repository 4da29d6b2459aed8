package io.linegate.store;

import java.util.Optional;

/**
 * Whether the store can write now. A store that cannot (its disk full, its file system remounted
 * read-only, an I/O error) is not ready: a webhook would be answered {@code 503} anyway, and a
 * load balancer had better send it elsewhere. It becomes writable again by itself, once a write
 * succeeds, without a restart: what it had committed is untouched.
 */
public interface WriteHealth {

    /** A store that never reports trouble (one that does not watch its writes). */
    WriteHealth UNWATCHED = new WriteHealth() {
        @Override
        public boolean writable() {
            return true;
        }

        @Override
        public Optional<String> problem() {
            return Optional.empty();
        }
    };

    /** False from a write that failed because the store cannot write, until one succeeds. */
    boolean writable();

    /** Why the store cannot write (the cause and, where known, the free space), while it cannot. */
    Optional<String> problem();
}
