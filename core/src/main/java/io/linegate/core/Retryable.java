package io.linegate.core;

/**
 * Implemented by a failure that knows whether doing the same thing again, unchanged, can succeed:
 * a LINE 5xx or 429 can, an invalid reply token or a request over LINE's limits cannot. Whoever
 * retries (the dispatcher retrying a handler, a job runner) asks the failure instead of guessing from
 * its type or message, so that a failure that cannot succeed fails at once with its reason.
 */
public interface Retryable {
    /** True if the same operation, tried again later without change, may succeed. */
    boolean retryCanSucceed();
}
