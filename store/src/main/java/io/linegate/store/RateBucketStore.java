package io.linegate.store;

import java.time.Instant;

/** Token buckets shared between processes, for LINE's per-channel rate limits. */
public interface RateBucketStore {
    /**
     * Refills the bucket of {@code endpoint} (up to {@code capacity}, {@code perSecond} tokens per
     * second since it was last touched) and takes up to {@code wanted} tokens from it, atomically.
     * A bucket seen for the first time starts full. Returns how many were taken (0 when empty).
     */
    int take(String endpoint, double capacity, double perSecond, int wanted, Instant now);
}
