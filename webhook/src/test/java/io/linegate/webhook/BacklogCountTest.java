package io.linegate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BacklogCountTest {
    @Test
    void aDoneMarkCommittedBeforeARecountAndCountedAfterItDoesNotMakeTheBacklogNegative() {
        BacklogCount backlog = new BacklogCount();
        backlog.appended(); // one event waiting
        backlog.writeStarted(); // its done-mark is being written
        // The store already has it done when the recount reads it: the recount must not be taken.
        assertThat(backlog.recount(() -> 0)).isFalse();
        backlog.writeEnded(-1);
        assertThat(backlog.get()).isZero();
    }

    @Test
    void aWriteThatStartsAndEndsDuringTheReadIsNotCountedTwice() {
        BacklogCount backlog = new BacklogCount();
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
    void aQuietRecountTakesWhatOtherNodesDid() {
        BacklogCount backlog = new BacklogCount();
        backlog.appended();
        assertThat(backlog.recount(() -> 42)).isTrue();
        assertThat(backlog.get()).isEqualTo(42);
    }
}
