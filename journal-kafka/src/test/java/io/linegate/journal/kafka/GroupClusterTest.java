package io.linegate.journal.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.store.LogPositions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
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
}
