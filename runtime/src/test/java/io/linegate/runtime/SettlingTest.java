package io.linegate.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.runtime.Settling.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SettlingTest {
    static final long ROUND = ms(1_000);

    static long ms(double millis) {
        return (long) (millis * 1_000_000);
    }

    final Settling settling = new Settling(Duration.ofMillis(10));

    @Test
    void aFastMachineIsWarmAfterTwoRoundsUnderTheTarget() {
        assertThat(settling.round(ms(40), ROUND, ms(600))).isEqualTo(Verdict.GO_ON);
        assertThat(settling.round(ms(8), ROUND, ms(300))).isEqualTo(Verdict.GO_ON);
        assertThat(settling.round(ms(6), ROUND, ms(200))).isEqualTo(Verdict.FAST);
        assertThat(settling.why(Verdict.FAST)).isEqualTo("settled: the 99th percentile at or under 10.0 ms for 2 rounds");
    }

    @Test
    void aSlowMachineIsWarmOnceTheJitIsQuietAndTheP99NoLongerFalls() {
        assertThat(settling.round(ms(300), ROUND, ms(900))).isEqualTo(Verdict.GO_ON);
        assertThat(settling.round(ms(60), ROUND, ms(400))).isEqualTo(Verdict.GO_ON);
        assertThat(settling.round(ms(42), ROUND, ms(50))).isEqualTo(Verdict.GO_ON); // quiet, but 30% better: still falling
        assertThat(settling.round(ms(45), ROUND, ms(40))).isEqualTo(Verdict.GO_ON);
        assertThat(settling.round(ms(40), ROUND, ms(30))).isEqualTo(Verdict.GO_ON);
        assertThat(settling.round(ms(44), ROUND, ms(20))).isEqualTo(Verdict.STEADY);
        assertThat(settling.why(Verdict.STEADY)).isEqualTo("settled as fast as this machine goes now: the 99th percentile"
                + " no longer falls (best round 40.0 ms) and the JIT compiled for 2% of the last round");
    }

    @Test
    void aFlatP99DoesNotEndItWhileTheJitIsStillCompiling() {
        for (int i = 0; i < 10; i++) {
            assertThat(settling.round(ms(40), ROUND, ms(250))).isEqualTo(Verdict.GO_ON);
        }
        assertThat(settling.why(Verdict.GO_ON)).isEqualTo("not settled; the warm-up's time ran out (best round 40.0 ms,"
                + " target 10.0 ms; the JIT compiled for 25% of the last round)");
    }

    @Test
    void theJitCountsAsBusyFromATenthOfARoundsTimeAndAsIdleWhenTheJvmDoesNotSay() {
        assertThat(settling.compiling()).as("before any round").isFalse();
        settling.round(ms(40), ROUND, ms(100));
        assertThat(settling.compiling()).isTrue();
        settling.round(ms(40), ROUND, ms(99));
        assertThat(settling.compiling()).isFalse();
        settling.round(ms(40), ROUND, -1);
        assertThat(settling.compiling()).isFalse();
    }

    @Test
    void aBusyMachinesSlowRoundsDoNotKeepItFromSettling() {
        // Rounds as a node warming up with another process busy on one of the two cores had them: the
        // 99th percentile jumps between rounds however long it runs.
        assertThat(settling.round(ms(60), ROUND, ms(500))).isEqualTo(Verdict.GO_ON);
        assertThat(settling.round(ms(40), ROUND, ms(500))).isEqualTo(Verdict.GO_ON);
        assertThat(settling.round(ms(31), ROUND, ms(50))).isEqualTo(Verdict.GO_ON);
        assertThat(settling.round(ms(129), ROUND, ms(50))).as("a spike").isEqualTo(Verdict.GO_ON);
        assertThat(settling.round(ms(33), ROUND, ms(50))).as("quiet three rounds, but 31 ms was a quarter better than 40")
                .isEqualTo(Verdict.GO_ON);
        assertThat(settling.round(ms(47), ROUND, ms(1))).as("no round of the last three a quarter better than 31 ms")
                .isEqualTo(Verdict.STEADY);
    }

    @Test
    void aP99StillFallingByAQuarterEveryThreeRoundsIsNotSettledThoughTheJitIsQuiet() {
        long[] falling = {100, 90, 80, 60, 55, 50, 38, 35, 34};
        for (long p99 : falling) {
            assertThat(settling.round(ms(p99), ROUND, ms(10))).as("%d ms", p99).isEqualTo(Verdict.GO_ON);
        }
        assertThat(settling.round(ms(33), ROUND, ms(10))).as("35, 34, 33 against 38 before them").isEqualTo(Verdict.STEADY);
    }

    @Test
    void aWarmUpPastItsLimitGoesOnUntilTheJitHasBeenQuietForThreeRounds() {
        settling.round(ms(40), ROUND, ms(600));
        assertThat(settling.recentlyCompiling()).isTrue();
        settling.round(ms(40), ROUND, ms(1));
        settling.round(ms(40), ROUND, ms(1));
        assertThat(settling.recentlyCompiling()).as("quiet for two rounds").isTrue();
        settling.round(ms(40), ROUND, ms(1));
        assertThat(settling.recentlyCompiling()).isFalse();
        settling.round(ms(40), ROUND, ms(200));
        assertThat(settling.recentlyCompiling()).isTrue();
        settling.round(ms(40), ROUND, -1);
        assertThat(settling.recentlyCompiling()).as("the JVM does not say").isFalse();
    }

    @Test
    void withoutCompilationTimesOnlyTheTargetEndsIt() {
        for (int i = 0; i < 10; i++) {
            assertThat(settling.round(ms(40), ROUND, -1)).isEqualTo(Verdict.GO_ON);
        }
        assertThat(settling.why(Verdict.GO_ON)).isEqualTo("not settled; the warm-up's time ran out (best round 40.0 ms, target 10.0 ms)");
        assertThat(settling.round(ms(9), ROUND, -1)).isEqualTo(Verdict.GO_ON);
        assertThat(settling.round(ms(9), ROUND, -1)).isEqualTo(Verdict.FAST);
    }
}
