package io.linegate.runtime;

import java.time.Duration;
import java.util.Locale;

/**
 * Decides, round by round, whether the acknowledgement path is warm, and says why: the decision,
 * kept apart from the rounds of synthetic webhooks that feed it ({@link WarmUp}).
 *
 * <p>A path is warm in one of two ways. <b>Fast</b>: two rounds in a row answered with a 99th
 * percentile at or under the target (10 ms by default), which a warm JVM on an unloaded machine
 * reaches. <b>As fast as this machine goes</b>: on a slow or busy machine the path may never get under
 * the target, however warm, so it also counts as warm once the JVM has stopped compiling (the
 * just-in-time compilers ran for less than a tenth of the time of each of the last three rounds) and
 * the 99th percentile has stopped falling (the best of those three rounds is not a quarter better than
 * the best round before them). A round slower than the others does not start the count again: on a
 * busy machine every few rounds is one (another process had the core), and waiting longer does not
 * make the machine quieter. The warm-up's time limit remains the bound for a machine where neither
 * ever happens.
 */
final class Settling {
    static final int FAST_ROUNDS = 2;
    static final int STEADY_ROUNDS = 3;
    /** Compilation for less than this share of a round's time: the JVM has compiled what the path runs. */
    static final double QUIET_COMPILING = 0.10;
    /** A round's 99th percentile within this factor of the best round's: no longer falling. */
    static final double STEADY = 1.25;

    /** What the rounds so far say. */
    enum Verdict {
        /** Not warm yet: send another round. */
        GO_ON,
        /** Warm: the 99th percentile is at or under the target. */
        FAST,
        /** Warm as this machine allows: compilation has quietened and the 99th percentile no longer falls. */
        STEADY
    }

    private final long targetNanos;
    private final long[] recent = new long[STEADY_ROUNDS]; // the last rounds' 99th percentiles, a ring
    private int rounds;
    private int fast;
    private int quiet;
    private long best = Long.MAX_VALUE;
    private long bestBefore = Long.MAX_VALUE; // the best round before the last STEADY_ROUNDS
    private long lastP99 = -1;
    private double lastCompiling = -1;

    Settling(Duration target) {
        this.targetNanos = target.toNanos();
    }

    /**
     * One round: its 99th percentile, how long it took, and how long the JIT compilers ran meanwhile
     * ({@code -1} if the JVM does not say).
     */
    Verdict round(long p99Nanos, long roundNanos, long compileNanos) {
        lastP99 = p99Nanos;
        lastCompiling = compileNanos < 0 || roundNanos <= 0 ? -1 : (double) compileNanos / roundNanos;
        fast = p99Nanos <= targetNanos ? fast + 1 : 0;
        best = Math.min(best, p99Nanos);
        int slot = rounds++ % STEADY_ROUNDS;
        if (rounds > STEADY_ROUNDS) {
            bestBefore = Math.min(bestBefore, recent[slot]); // the round leaving the window
        }
        recent[slot] = p99Nanos;
        quiet = lastCompiling >= 0 && lastCompiling < QUIET_COMPILING ? quiet + 1 : 0;
        if (fast >= FAST_ROUNDS) {
            return Verdict.FAST;
        }
        if (quiet >= STEADY_ROUNDS && bestBefore != Long.MAX_VALUE) {
            long bestRecent = Long.MAX_VALUE;
            for (long p99 : recent) {
                bestRecent = Math.min(bestRecent, p99);
            }
            if (bestRecent * STEADY >= bestBefore) { // not a quarter better than before: no longer falling
                return Verdict.STEADY;
            }
        }
        return Verdict.GO_ON;
    }

    /** Why the warm-up ended with {@code verdict}, for its log line. */
    String why(Verdict verdict) {
        return switch (verdict) {
            case FAST -> String.format(Locale.ROOT, "settled: the 99th percentile at or under %s ms for %d rounds", ms(targetNanos), FAST_ROUNDS);
            case STEADY -> String.format(Locale.ROOT, "settled as fast as this machine goes now: the 99th percentile no longer falls"
                    + " (best round %s ms) and the JIT compiled for %d%% of the last round", ms(best), percent(lastCompiling));
            case GO_ON -> lastCompiling < 0
                    ? String.format(Locale.ROOT, "not settled; the warm-up's time ran out (best round %s ms, target %s ms)", ms(best), ms(targetNanos))
                    : String.format(Locale.ROOT, "not settled; the warm-up's time ran out (best round %s ms, target %s ms; the JIT compiled"
                            + " for %d%% of the last round)", ms(best), ms(targetNanos), percent(lastCompiling));
        };
    }

    /** Whether the JIT compilers were busy in the last round (a tenth of its time or more); false if unknown. */
    boolean compiling() {
        return lastCompiling >= QUIET_COMPILING;
    }

    /**
     * Whether the JIT compilers were busy in any of the last {@value #STEADY_ROUNDS} rounds: a warm-up past
     * its limit goes on until they have been quiet that long, so that a quiet spell can show whether the
     * path has settled. False if the JVM does not say.
     */
    boolean recentlyCompiling() {
        return lastCompiling >= 0 && quiet < STEADY_ROUNDS;
    }

    long lastP99() {
        return lastP99;
    }

    private static String ms(long nanos) {
        return nanos == Long.MAX_VALUE ? "-" : String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static int percent(double share) {
        return (int) Math.round(share * 100);
    }
}
