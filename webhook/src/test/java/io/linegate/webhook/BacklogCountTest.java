package io.linegate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BacklogCountTest {
    @Test
    void aDoneMarkCommittedBeforeARecountAndCountedAfterItDoesNotMakeTheBacklogNegative() {
        BacklogCount backlog = new BacklogCount(false);
        backlog.appended(); // one event waiting
        backlog.writeStarted(); // its done-mark is being written
        // The store already has it done when the recount reads it: the recount must not be taken.
        assertThat(backlog.recount(() -> 0)).isFalse();
        backlog.writeEnded(-1);
        assertThat(backlog.get()).isZero();
    }

    @Test
    void aWriteThatStartsAndEndsDuringTheReadIsNotCountedTwice() {
        BacklogCount backlog = new BacklogCount(false);
        backlog.appended();
        backlog.appended();
        boolean taken = backlog.recount(() -> {
            backlog.writeStarted();
            backlog.writeEnded(-1); // committed while the store was read: the read may or may not include it
            return 1;
        });
        assertThat(taken).isFalse();
        assertThat(backlog.get()).isEqualTo(1);
    }

    @Test
    void aQuietRecountTakesWhatTheStoreHolds() {
        BacklogCount backlog = new BacklogCount(false);
        backlog.appended();
        assertThat(backlog.recount(() -> 42)).isTrue();
        assertThat(backlog.get()).isEqualTo(42);
    }

    @Test
    void onASharedStoreFinishingEventsOtherNodesAppendedNeverMakesTheCountNegative() {
        BacklogCount backlog = new BacklogCount(true);
        backlog.recount(() -> 0);
        // Another node appended three bodies; this node split and finished their events before the next recount.
        backlog.writeStarted();
        backlog.writeEnded(0);
        for (int i = 0; i < 3; i++) {
            backlog.writeStarted();
            backlog.writeEnded(-1);
        }
        assertThat(backlog.get()).isZero();
        // The count is the store's reading, taken even while a write of this node is in flight.
        backlog.writeStarted();
        assertThat(backlog.recount(() -> 7)).isTrue();
        assertThat(backlog.get()).isEqualTo(7);
    }
}
