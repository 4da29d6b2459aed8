package io.linegate.journal.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.store.Cluster;
import io.linegate.store.LogPositions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupClusterTest {
    final Fetched fetched = new Fetched();

    GroupCluster cluster(Duration sessionTimeout) {
        return new GroupCluster(4, "node-1", fetched, () -> { }, Clock.systemUTC(), sessionTimeout);
    }

    void claim(int partition) {
        fetched.hold(new Fetched.Held(partition, new LogPositions.Claim(0, 1, Set.of(), Map.of())));
    }

    @Test
    void aNodeOfTheGroupTakesNoSliceOfLinesLimitsButSharesTheStoresBucket() {
        GroupCluster cluster = cluster(Duration.ofSeconds(10));
        assertThat(cluster.shared()).isTrue();
        // NaN: the sender takes every send from the store's bucket that all nodes share (a share of 1
        // would let each node send at the whole limit).
        assertThat(cluster.share()).isNaN();
    }

    @Test
    void aPartitionTakenAwayIsNoLongerHeldAtOnceNotAtTheNextHeartbeat() {
        GroupCluster cluster = cluster(Duration.ofSeconds(10));
        fetched.polled();
        claim(1);
        assertThat(cluster.holds(1)).isTrue();
        assertThat(cluster.holds(2)).as("never claimed").isFalse();
        fetched.release(1); // what the consumer's rebalance listener does on a revoke or a loss
        assertThat(cluster.holds(1)).isFalse();
    }

    @Test
    void aNodeWhoseConsumerHasNotPolledForMostOfTheSessionTimeoutHoldsNothing() throws InterruptedException {
        GroupCluster cluster = cluster(Duration.ofMillis(100)); // held for 60 ms after a poll
        claim(1);
        fetched.polled();
        assertThat(cluster.holds(1)).isTrue();
        Thread.sleep(80); // a pause: the group may count this node gone before its consumer hears of it
        assertThat(cluster.holds(1)).isFalse();
        fetched.polled();
        assertThat(cluster.holds(1)).as("polled again, still a member").isTrue();
    }

    @Test
    void aPartitionBeingHandedOverStartsNoRunWhileTheRunsInFlightHoldItUntilItIsReleased() throws Exception {
        GroupCluster cluster = cluster(Duration.ofSeconds(10));
        fetched.polled();
        claim(1);
        Fetched.Held h = fetched.held(1);
        fetched.add(h, 0, "e0", "lane-0", null, "{}", Instant.now(), false, false);
        fetched.add(h, 1, "e1", "lane-1", null, "{}", Instant.now(), false, false);
        Cluster.Run run = cluster.startRun(1);
        assertThat(run).isNotNull();
        assertThat(fetched.awaitIdle(List.of(1), 0)).as("not handing over: nothing waits")
                .containsEntry(1, new Fetched.Busy(1, 0));

        fetched.startHandover(List.of(1));

        assertThat(cluster.holds(1)).as("no run starts").isFalse();
        assertThat(cluster.startRun(1)).isNull();
        assertThat(fetched.after(null, 0, 10)).as("its events are no longer handed out").isEmpty();
        assertThat(run.holds()).as("the run in flight may still send and commit").isTrue();
        assertThat(fetched.awaitIdle(List.of(1), TimeUnit.MILLISECONDS.toNanos(50))).containsEntry(1, new Fetched.Busy(1, 0));
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            other.execute(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                run.end();
                run.end(); // twice: counted once
            });
            long started = System.nanoTime();
            assertThat(fetched.awaitIdle(List.of(1), TimeUnit.SECONDS.toNanos(10))).as("the run ended").isEmpty();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("woken when it ended").isLessThan(5000);
        } finally {
            other.shutdownNow();
        }
        assertThat(run.holds()).as("ended").isFalse();

        fetched.release(1);
        assertThat(cluster.holds(1)).isFalse();
    }

    @Test
    void aRunWhosePartitionWasReleasedNoLongerHoldsItNorDoesItCountInTheNextClaim() throws Exception {
        GroupCluster cluster = cluster(Duration.ofSeconds(10));
        fetched.polled();
        claim(2);
        Cluster.Run before = cluster.startRun(2);
        fetched.release(2); // lost: no wait
        assertThat(before.holds()).isFalse();
        claim(2); // given back to this node later
        before.end();
        assertThat(fetched.awaitIdle(List.of(2), 0)).as("the earlier claim's run is not this claim's").isEmpty();
        assertThat(cluster.startRun(2)).isNotNull();
    }
}
