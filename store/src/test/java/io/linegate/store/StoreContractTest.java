package io.linegate.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.store.EventJournal.NewEvent;
import io.linegate.store.EventJournal.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What every storage backend promises, whatever it stores in. A backend's test extends this with
 * {@link #open()}, which opens the same store (a fresh one per test) each time it is called, as a
 * second process or a restart would.
 */
public abstract class StoreContractTest {

    /** Opens this test's store; each call is a new handle on the same data. */
    protected abstract Store open();

    static NewEvent event(String id, String lane) {
        return new NewEvent(id, lane, "Ubot", "{\"webhookEventId\":\"" + id + "\"}", Instant.ofEpochMilli(1000));
    }

    @Test
    void anAppendedBodyIsThereAfterReopening() {
        try (Store store = open()) {
            store.journal().append("{\"events\":[]}".getBytes(StandardCharsets.UTF_8), Instant.ofEpochMilli(5)).join();
        }
        try (Store store = open()) {
            assertThat(store.journal().inbox(0, 10)).singleElement().satisfies(e -> {
                assertThat(new String(e.body(), StandardCharsets.UTF_8)).isEqualTo("{\"events\":[]}");
                assertThat(e.receivedAt()).isEqualTo(Instant.ofEpochMilli(5));
            });
        }
    }

    @Test
    void concurrentAppendsShareCommitsAndAllLand() {
        try (Store store = open()) {
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                futures.add(store.journal().append(("b" + i).getBytes(StandardCharsets.UTF_8), Instant.now()));
            }
            CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).join();
            assertThat(store.journal().inbox(0, 5_000)).extracting(e -> new String(e.body(), StandardCharsets.UTF_8))
                    .hasSize(2_000).doesNotHaveDuplicates().contains("b0", "b1999");
        }
    }

    @Test
    void splittingDedupesOnEventIdAcrossReopeningAndConsumesTheInbox() {
        try (Store store = open()) {
            store.journal().append(new byte[] {1}, Instant.now()).join();
            long seq = store.journal().inbox(0, 1).get(0).seq();
            var result = store.journal().split(List.of(seq), List.of(event("E1", "user:A"), event("E1", "user:A"),
                    event("E2", "user:B")), List.of()).join();
            assertThat(result.accepted()).isEqualTo(2);
            assertThat(result.duplicates()).isEqualTo(1);
            assertThat(store.journal().inbox(0, 10)).isEmpty();
        }
        try (Store store = open()) {
            var again = store.journal().split(List.of(), List.of(event("E1", "user:A")), List.of()).join();
            assertThat(again.duplicates()).isEqualTo(1);
            assertThat(store.journal().pending(0, 10)).extracting(StoredEvent::eventId).containsExactly("E1", "E2");
        }
    }

    @Test
    void forgettingOldIdsLetsThemInAgain() {
        try (Store store = open()) {
            store.journal().split(List.of(), List.of(event("E1", "user:A")), List.of()).join();
            assertThat(store.journal().forgetSeenBefore(Instant.now().plusSeconds(1)).join()).isEqualTo(1);
            assertThat(store.journal().split(List.of(), List.of(event("E1", "user:A")), List.of()).join().accepted()).isEqualTo(1);
        }
    }

    @Test
    void completingAppliesStateChangesInTheSameTransaction() {
        try (Store store = open()) {
            store.journal().split(List.of(), List.of(event("E1", "user:A")), List.of()).join();
            long seq = store.journal().pending(0, 1).get(0).seq();
            Map<String, String> changes = new java.util.HashMap<>();
            changes.put("count", "1");
            changes.put("gone", null);
            store.journal().complete(seq, "user:A", changes).join();
            assertThat(store.journal().pending(0, 10)).isEmpty();
            assertThat(store.conversations().state("user:A")).containsExactly(Map.entry("count", "1"));
            assertThat(store.journal().pendingCount()).isZero();
        }
    }

    @Test
    void deadLettersCanBeReplayedOnce() {
        try (Store store = open()) {
            store.journal().split(List.of(), List.of(event("E1", "user:A")), List.of()).join();
            StoredEvent e = store.journal().pending(0, 1).get(0);
            store.journal().recordFailure(e.seq(), 1, "boom").join();
            store.journal().deadLetter(e.seq(), 3, "boom").join();
            assertThat(store.journal().pending(0, 10)).isEmpty();
            var letter = store.deadLetters().list(10).get(0);
            assertThat(letter.eventId()).isEqualTo("E1");
            assertThat(letter.attempts()).isEqualTo(3);
            assertThat(letter.error()).isEqualTo("boom");
            assertThat(letter.replayedAt()).isNull();

            assertThat(store.deadLetters().replay(letter.id()).join()).isPresent();
            assertThat(store.deadLetters().replay(letter.id()).join()).isEmpty();
            assertThat(store.journal().pending(0, 10)).extracting(StoredEvent::eventId).containsExactly("E1");
            assertThat(store.deadLetters().list(10).get(0).replayedAt()).isNotNull();
        }
    }

    @Test
    void operatorControlsPersist() {
        try (Store store = open()) {
            store.controls().setControl(OperatorControls.MUTE, "user:U1", true);
            store.controls().setControl(OperatorControls.MUTE, "user:U2", true);
            store.controls().setControl(OperatorControls.MUTE, "user:U2", false);
        }
        try (Store store = open()) {
            assertThat(store.controls().controls(OperatorControls.MUTE)).containsExactly("user:U1");
        }
    }

    @Test
    void apiCallsAreQueriedByTimeStatusAndRequestIdAndPruned() {
        try (Store store = open()) {
            Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
            store.apiRequests().record(new ApiRequestLog.ApiCall(t0, "POST", "/v2/bot/message/push", 500, 12, "r1", null, "k1", 1,
                    "{\"message\":\"x\"}", null)).join();
            store.apiRequests().record(new ApiRequestLog.ApiCall(t0.plusSeconds(1), "POST", "/v2/bot/message/push", 409, 8, "r2", "r0",
                    "k1", 2, null, null)).join();
            store.apiRequests().record(new ApiRequestLog.ApiCall(t0.plusSeconds(3600), "GET", "/v2/bot/info", 200, 3, "r3", null, null, 1,
                    null, null)).join();
            assertThat(store.apiRequests().query(t0, 500, 599, null, 10)).extracting(ApiRequestLog.ApiCall::requestId).containsExactly("r1");
            assertThat(store.apiRequests().query(t0, 0, 999, "r0", 10)).extracting(ApiRequestLog.ApiCall::requestId).containsExactly("r2");
            assertThat(store.apiRequests().query(t0.plusSeconds(60), 0, 999, null, 10)).extracting(ApiRequestLog.ApiCall::requestId)
                    .containsExactly("r3");
            assertThat(store.apiRequests().pruneApiRequests(t0.plusSeconds(60)).join()).isEqualTo(2);
            assertThat(store.apiRequests().query(t0, 0, 999, null, 10)).hasSize(1);
        }
    }

    @Test
    void aLeaseHasOneHolderAtATimeUntilItExpires() {
        try (Store a = open(); Store b = open()) {
            Instant t = Instant.parse("2026-11-01T00:00:00Z");
            assertThat(a.tokens().tryLease("issue", "process-a", t, java.time.Duration.ofSeconds(30))).isTrue();
            assertThat(b.tokens().tryLease("issue", "process-b", t.plusSeconds(1), java.time.Duration.ofSeconds(30))).isFalse();
            assertThat(a.tokens().tryLease("issue", "process-a", t.plusSeconds(2), java.time.Duration.ofSeconds(30))).isTrue();
            assertThat(b.tokens().tryLease("issue", "process-b", t.plusSeconds(33), java.time.Duration.ofSeconds(30))).isTrue();
            a.tokens().releaseLease("issue", "process-a"); // not a's any more: no effect
            assertThat(a.tokens().tryLease("issue", "process-a", t.plusSeconds(34), java.time.Duration.ofSeconds(30))).isFalse();
        }
    }

    @Test
    void issuingATokenSupersedesTheOlderOnes() {
        try (Store store = open()) {
            Instant t = Instant.parse("2026-11-01T00:00:00Z");
            var first = store.tokens().saveIssued("123", "v2.1", "token-one", "kid1", t, t.plusSeconds(3600));
            var second = store.tokens().saveIssued("123", "v2.1", "token-two", "kid2", t.plusSeconds(60), t.plusSeconds(3660));
            assertThat(store.tokens().newest("123", "v2.1", t.plusSeconds(61))).contains(second);
            assertThat(store.tokens().toRevoke("123", "v2.1", t.plusSeconds(59))).isEmpty();
            assertThat(store.tokens().toRevoke("123", "v2.1", t.plusSeconds(61))).extracting(TokenStore.StoredToken::id)
                    .containsExactly(first.id());
            store.tokens().markRevoked(first.id(), t.plusSeconds(62));
            assertThat(store.tokens().live("123", "v2.1", t.plusSeconds(63))).containsExactly(second);
            assertThat(second.toString()).doesNotContain("token-two");
        }
    }
}
