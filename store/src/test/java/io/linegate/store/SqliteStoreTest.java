package io.linegate.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.store.EventJournal.NewEvent;
import io.linegate.store.EventJournal.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest {
    @TempDir
    Path dir;

    static NewEvent event(String id, String lane) {
        return new NewEvent(id, lane, "Ubot", "{\"webhookEventId\":\"" + id + "\"}", Instant.ofEpochMilli(1000));
    }

    @Test
    void anAppendedBodyIsThereAfterReopening() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.append("{\"events\":[]}".getBytes(StandardCharsets.UTF_8), Instant.ofEpochMilli(5)).join();
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertThat(store.inbox(0, 10)).singleElement().satisfies(e -> {
                assertThat(new String(e.body(), StandardCharsets.UTF_8)).isEqualTo("{\"events\":[]}");
                assertThat(e.receivedAt()).isEqualTo(Instant.ofEpochMilli(5));
            });
        }
    }

    @Test
    void concurrentAppendsShareCommitsAndAllLand() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                futures.add(store.append(("b" + i).getBytes(StandardCharsets.UTF_8), Instant.now()));
            }
            CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).join();
            assertThat(store.inbox(0, 5_000)).extracting(e -> new String(e.body(), StandardCharsets.UTF_8))
                    .hasSize(2_000).doesNotHaveDuplicates().contains("b0", "b1999");
        }
    }

    @Test
    void splittingDedupesOnEventIdAcrossReopeningAndConsumesTheInbox() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.append(new byte[] {1}, Instant.now()).join();
            long seq = store.inbox(0, 1).get(0).seq();
            var result = store.split(List.of(seq), List.of(event("E1", "user:A"), event("E1", "user:A"),
                    event("E2", "user:B")), List.of()).join();
            assertThat(result.accepted()).isEqualTo(2);
            assertThat(result.duplicates()).isEqualTo(1);
            assertThat(store.inbox(0, 10)).isEmpty();
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            var again = store.split(List.of(), List.of(event("E1", "user:A")), List.of()).join();
            assertThat(again.duplicates()).isEqualTo(1);
            assertThat(store.pending(0, 10)).extracting(StoredEvent::eventId).containsExactly("E1", "E2");
        }
    }

    @Test
    void forgettingOldIdsLetsThemInAgain() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.split(List.of(), List.of(event("E1", "user:A")), List.of()).join();
            assertThat(store.forgetSeenBefore(Instant.now().plusSeconds(1)).join()).isEqualTo(1);
            assertThat(store.split(List.of(), List.of(event("E1", "user:A")), List.of()).join().accepted()).isEqualTo(1);
        }
    }

    @Test
    void completingAppliesStateChangesInTheSameTransaction() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.split(List.of(), List.of(event("E1", "user:A")), List.of()).join();
            long seq = store.pending(0, 1).get(0).seq();
            Map<String, String> changes = new java.util.HashMap<>();
            changes.put("count", "1");
            changes.put("gone", null);
            store.complete(seq, "user:A", changes).join();
            assertThat(store.pending(0, 10)).isEmpty();
            assertThat(store.state("user:A")).containsExactly(Map.entry("count", "1"));
            assertThat(store.pendingCount()).isZero();
        }
    }

    @Test
    void deadLettersCanBeReplayedOnce() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.split(List.of(), List.of(event("E1", "user:A")), List.of()).join();
            StoredEvent e = store.pending(0, 1).get(0);
            store.recordFailure(e.seq(), 1, "boom").join();
            store.deadLetter(e.seq(), 3, "boom").join();
            assertThat(store.pending(0, 10)).isEmpty();
            var letter = store.deadLetters(10).get(0);
            assertThat(letter.eventId()).isEqualTo("E1");
            assertThat(letter.attempts()).isEqualTo(3);
            assertThat(letter.error()).isEqualTo("boom");
            assertThat(letter.replayedAt()).isNull();

            assertThat(store.replay(letter.id()).join()).isPresent();
            assertThat(store.replay(letter.id()).join()).isEmpty();
            assertThat(store.pending(0, 10)).extracting(StoredEvent::eventId).containsExactly("E1");
            assertThat(store.deadLetters(10).get(0).replayedAt()).isNotNull();
        }
    }

    @Test
    void operatorControlsPersist() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.setControl(OperatorControls.MUTE, "user:U1", true);
            store.setControl(OperatorControls.MUTE, "user:U2", true);
            store.setControl(OperatorControls.MUTE, "user:U2", false);
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertThat(store.controls(OperatorControls.MUTE)).containsExactly("user:U1");
        }
    }

    @Test
    void apiCallsAreQueriedByTimeStatusAndRequestIdAndPruned() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
            store.record(new ApiRequestLog.ApiCall(t0, "POST", "/v2/bot/message/push", 500, 12, "r1", null, "k1", 1,
                    "{\"message\":\"x\"}", null)).join();
            store.record(new ApiRequestLog.ApiCall(t0.plusSeconds(1), "POST", "/v2/bot/message/push", 409, 8, "r2", "r0",
                    "k1", 2, null, null)).join();
            store.record(new ApiRequestLog.ApiCall(t0.plusSeconds(3600), "GET", "/v2/bot/info", 200, 3, "r3", null, null, 1,
                    null, null)).join();
            assertThat(store.query(t0, 500, 599, null, 10)).extracting(ApiRequestLog.ApiCall::requestId).containsExactly("r1");
            assertThat(store.query(t0, 0, 999, "r0", 10)).extracting(ApiRequestLog.ApiCall::requestId).containsExactly("r2");
            assertThat(store.query(t0.plusSeconds(60), 0, 999, null, 10)).extracting(ApiRequestLog.ApiCall::requestId)
                    .containsExactly("r3");
            assertThat(store.pruneApiRequests(t0.plusSeconds(60)).join()).isEqualTo(2);
            assertThat(store.query(t0, 0, 999, null, 10)).hasSize(1);
        }
    }

    @Test
    void aLeaseHasOneHolderAtATimeUntilItExpires() {
        try (SqliteStore a = SqliteStore.open(dir); SqliteStore b = SqliteStore.open(dir)) {
            Instant t = Instant.parse("2026-11-01T00:00:00Z");
            assertThat(a.tryLease("issue", "process-a", t, java.time.Duration.ofSeconds(30))).isTrue();
            assertThat(b.tryLease("issue", "process-b", t.plusSeconds(1), java.time.Duration.ofSeconds(30))).isFalse();
            assertThat(a.tryLease("issue", "process-a", t.plusSeconds(2), java.time.Duration.ofSeconds(30))).isTrue();
            assertThat(b.tryLease("issue", "process-b", t.plusSeconds(33), java.time.Duration.ofSeconds(30))).isTrue();
            a.releaseLease("issue", "process-a"); // not a's any more: no effect
            assertThat(a.tryLease("issue", "process-a", t.plusSeconds(34), java.time.Duration.ofSeconds(30))).isFalse();
        }
    }

    @Test
    void issuingATokenSupersedesTheOlderOnes() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            Instant t = Instant.parse("2026-11-01T00:00:00Z");
            var first = store.saveIssued("123", "v2.1", "token-one", "kid1", t, t.plusSeconds(3600));
            var second = store.saveIssued("123", "v2.1", "token-two", "kid2", t.plusSeconds(60), t.plusSeconds(3660));
            assertThat(store.newest("123", "v2.1", t.plusSeconds(61))).contains(second);
            assertThat(store.toRevoke("123", "v2.1", t.plusSeconds(59))).isEmpty();
            assertThat(store.toRevoke("123", "v2.1", t.plusSeconds(61))).extracting(TokenStore.StoredToken::id)
                    .containsExactly(first.id());
            store.markRevoked(first.id(), t.plusSeconds(62));
            assertThat(store.live("123", "v2.1", t.plusSeconds(63))).containsExactly(second);
            assertThat(second.toString()).doesNotContain("token-two");
        }
    }

    @Test
    void campaignProgressQueriesUseTheBatchStateIndexNotTheRecipients() throws Exception {
        SqliteStore.open(dir).close(); // migrated
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteStore.FILE_NAME))) {
            assertThat(plan(c, SqliteStore.NEXT_PENDING_BATCH)).contains("campaign_batches_by_state");
            assertThat(plan(c, SqliteStore.CAMPAIGN_QUERY + " WHERE c.id = ? GROUP BY c.id"))
                    .contains("COVERING INDEX campaign_batches_by_state");
        }
    }

    private static String plan(java.sql.Connection c, String sql) throws Exception {
        StringBuilder plan = new StringBuilder();
        try (java.sql.PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            ps.setLong(1, 1);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString("detail")).append('\n');
                }
            }
        }
        return plan.toString();
    }
}
