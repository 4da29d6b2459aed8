package io.linegate.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.store.EventJournal.NewEvent;
import io.linegate.store.EventJournal.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * What every storage backend promises, whatever it stores in. A backend's test extends this with
 * {@link #open()}, which opens the same store (a fresh one per test) each time it is called, as a
 * second process or a restart would.
 */
public abstract class StoreContractTest {

    /** Opens this test's store; each call is a new handle on the same data. */
    protected abstract Store open();

    /** Opens the store as the one node that holds every partition, as a lone server would after its first heartbeat. */
    protected Store openAsOnlyNode() {
        Store store = open();
        store.cluster().heartbeat(Set.of(), Duration.ofSeconds(30));
        return store;
    }

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
        try (Store store = openAsOnlyNode()) {
            store.journal().split(List.of(), List.of(event("E1", "user:A")), List.of()).join();
            long seq = store.journal().pending(0, 1).get(0).seq();
            Map<String, String> changes = new HashMap<>();
            changes.put("count", "1");
            changes.put("gone", null);
            store.journal().complete(seq, "user:A", changes).join();
            assertThat(store.journal().pending(0, 10)).isEmpty();
            assertThat(store.conversations().state("user:A")).containsExactly(Map.entry("count", "1"));
            assertThat(store.journal().pendingCount()).isZero();
        }
    }

    @Test
    void aRejectedBodyIsKeptByteForByteAndItsReplayGoesBackToTheInboxOnce() {
        // Not UTF-8 (a lone 0xFF, a NUL, half of a two-byte sequence): kept exactly, not as text.
        byte[] body = {'{', '"', 'e', '"', ':', (byte) 0xff, 0, (byte) 0xc3, '}'};
        try (Store store = openAsOnlyNode()) {
            store.journal().append(body, Instant.ofEpochMilli(7)).join();
            long seq = store.journal().inbox(0, 1).get(0).seq();
            var result = store.journal().split(List.of(seq), List.of(),
                    List.of(EventJournal.Rejected.body("inbox:" + seq, body, Instant.ofEpochMilli(7), "not JSON"))).join();
            assertThat(result.unparseable()).isEqualTo(1);
            assertThat(store.journal().inbox(0, 10)).isEmpty();
            var letter = store.deadLetters().list(10).get(0);
            assertThat(letter.lane()).isEqualTo("unparsed");
            assertThat(letter.error()).isEqualTo("not JSON");
            assertThat(letter.payload()).doesNotContain("\0");
            assertThat(store.deadLetters().body(letter.id())).hasValueSatisfying(b -> assertThat(b).isEqualTo(body));

            assertThat(store.deadLetters().replay(letter.id()).join()).isPresent();
            assertThat(store.deadLetters().replay(letter.id()).join()).isEmpty();
            assertThat(store.journal().pending(0, 10)).isEmpty();
            assertThat(store.journal().inbox(0, 10)).singleElement().satisfies(e -> {
                assertThat(e.body()).isEqualTo(body);
                assertThat(e.receivedAt()).isEqualTo(Instant.ofEpochMilli(7));
            });
        }
    }

    @Test
    void aRejectedEventIsADeadLetterOfItsOwnAndReplaysAsAnEvent() {
        try (Store store = openAsOnlyNode()) {
            var result = store.journal().split(List.of(), List.of(event("E1", "user:A")),
                    List.of(EventJournal.Rejected.event("inbox:1#1", "Ubot", "42", Instant.ofEpochMilli(1), "not an object")))
                    .join();
            assertThat(result.accepted()).isEqualTo(1);
            var letter = store.deadLetters().list(10).get(0);
            assertThat(letter.payload()).isEqualTo("42");
            assertThat(store.deadLetters().body(letter.id())).isEmpty();
            assertThat(store.deadLetters().replay(letter.id()).join()).isPresent();
            assertThat(store.journal().pending(0, 10)).extracting(StoredEvent::payload).contains("42");
            assertThat(store.journal().inbox(0, 10)).isEmpty();
        }
    }

    /** A plain JDBC connection to this test's store, to write rows in bulk as a long-running deployment would have them. */
    protected abstract Connection sql() throws SQLException;

    @Test
    void deadLettersArePagedNewestFirstAndFilteredByWaitingConversationAndText() {
        try (Store store = openAsOnlyNode()) {
            store.journal().split(List.of(), List.of(event("E1", "user:A"), event("E2", "user:B"), event("E3", "user:A"),
                    event("E4_x", "user:A")), List.of()).join();
            List<StoredEvent> pending = store.journal().pending(0, 10);
            String[] errors = {"Timeout talking to payments", "boom", "PAYMENT refused", "50% off_sale"};
            for (int i = 0; i < pending.size(); i++) {
                store.journal().deadLetter(pending.get(i).seq(), 2, errors[i]).join();
            }
            DeadLetters letters = store.deadLetters();
            List<DeadLetters.DeadLetter> all = letters.page(DeadLetters.Filter.ALL, Long.MAX_VALUE, 10);
            assertThat(all).extracting(DeadLetters.DeadLetter::eventId).containsExactly("E4_x", "E3", "E2", "E1");
            // Page by page: each page starts below the last id of the one before.
            List<DeadLetters.DeadLetter> first = letters.page(DeadLetters.Filter.ALL, Long.MAX_VALUE, 3);
            assertThat(letters.page(DeadLetters.Filter.ALL, first.get(2).id(), 3)).extracting(DeadLetters.DeadLetter::eventId)
                    .containsExactly("E1");
            DeadLetters.Filter payments = new DeadLetters.Filter(false, null, "payment");
            assertThat(letters.page(payments, Long.MAX_VALUE, 10)).extracting(DeadLetters.DeadLetter::eventId)
                    .containsExactly("E3", "E1");
            assertThat(letters.count(payments)).isEqualTo(2);
            assertThat(letters.count(new DeadLetters.Filter(false, "user:A", null))).isEqualTo(3);
            // LIKE's wildcards in the text are the characters themselves.
            assertThat(letters.page(new DeadLetters.Filter(false, null, "%"), Long.MAX_VALUE, 10))
                    .extracting(DeadLetters.DeadLetter::eventId).containsExactly("E4_x");
            assertThat(letters.count(new DeadLetters.Filter(false, null, "_"))).isEqualTo(1);
            long e3 = all.get(1).id();
            assertThat(letters.replay(e3).join()).isPresent();
            DeadLetters.Filter waitingOnA = new DeadLetters.Filter(true, "user:A", null);
            assertThat(letters.page(waitingOnA, Long.MAX_VALUE, 10)).extracting(DeadLetters.DeadLetter::eventId)
                    .containsExactly("E4_x", "E1");
            assertThat(letters.get(e3)).hasValueSatisfying(d -> assertThat(d.replayedAt()).isNotNull());
            assertThat(letters.get(999_999)).isEmpty();
        }
    }

    @Test
    void aPageOrACountOfDeadLettersByAnIndexedFilterAnswersInUnder200MillisecondsWith100000OfThem() throws Exception {
        try (Store store = open()) {
            store.deadLetters().waiting(); // migrated
        }
        try (Connection c = sql()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dead_letters (event_id, lane, payload, received_at,"
                    + " attempts, error, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < 100_000; i++) {
                    ps.setString(1, "E" + i);
                    ps.setString(2, "user:U" + (i % 5_000));
                    ps.setString(3, "{\"type\":\"message\",\"n\":" + i + "}");
                    ps.setLong(4, i);
                    ps.setInt(5, 3);
                    ps.setString(6, i % 1_000 == 0 ? "payment service down" : "java.io.IOException: reset by peer");
                    ps.setLong(7, i);
                    ps.addBatch();
                    if (i % 5_000 == 4_999) {
                        ps.executeBatch();
                    }
                }
            }
            c.commit();
        }
        try (Store store = open()) {
            DeadLetters letters = store.deadLetters();
            // Timed: the filters an index serves. A text filter is a substring match over every row (no
            // index serves one), so its time is the machine's and grows with the rows: it is checked for
            // its answer below, not against a wall clock (on PostgreSQL on a 2-core VM it took up to 222 ms).
            List<DeadLetters.Filter> filters = List.of(DeadLetters.Filter.ALL, new DeadLetters.Filter(true, null, null),
                    new DeadLetters.Filter(true, "user:U42", null));
            for (int round = 0; round < 2; round++) { // the first round warms the JIT and the page cache
                for (DeadLetters.Filter f : filters) {
                    long started = System.nanoTime();
                    List<DeadLetters.DeadLetter> page = letters.page(f, Long.MAX_VALUE, 50);
                    long count = letters.count(f);
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    assertThat(page).isNotEmpty();
                    assertThat(count).isGreaterThanOrEqualTo(page.size());
                    if (round == 1) {
                        assertThat(millis).as("a page and a count of " + f).isLessThan(200);
                    }
                }
            }
            assertThat(letters.page(new DeadLetters.Filter(true, null, "payment"), Long.MAX_VALUE, 50)).hasSize(50)
                    .allSatisfy(l -> assertThat(l.error()).contains("payment"));
            assertThat(letters.count(new DeadLetters.Filter(true, null, "payment"))).isEqualTo(100);
            assertThat(letters.count(new DeadLetters.Filter(true, "user:U42", null))).isEqualTo(20);
        }
    }

    @Test
    void operatorActionsAreKeptInTheAuditNewestFirst() {
        try (Store store = open()) {
            store.controls().audit("console:Aiko from 127.0.0.1", "mute", "user:U1", null);
            store.controls().audit("admin API from 127.0.0.1", "replay", "dead letter 7", "event 12");
        }
        try (Store store = open()) {
            assertThat(store.controls().auditTrail(10)).extracting(OperatorControls.AuditEntry::actor,
                    OperatorControls.AuditEntry::action, OperatorControls.AuditEntry::subject, OperatorControls.AuditEntry::detail)
                    .containsExactly(Tuple.tuple("admin API from 127.0.0.1", "replay", "dead letter 7", "event 12"),
                            Tuple.tuple("console:Aiko from 127.0.0.1", "mute", "user:U1", null));
            assertThat(store.controls().auditTrail(1)).hasSize(1);
        }
    }

    @Test
    void deadLettersCanBeReplayedOnce() {
        try (Store store = openAsOnlyNode()) {
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
            assertThat(store.deadLetters().waiting()).isEqualTo(1);

            assertThat(store.deadLetters().replay(letter.id()).join()).isPresent();
            assertThat(store.deadLetters().waiting()).isZero();
            assertThat(store.deadLetters().replay(letter.id()).join()).isEmpty();
            assertThat(store.journal().pending(0, 10)).extracting(StoredEvent::eventId).containsExactly("E1");
            assertThat(store.deadLetters().list(10).get(0).replayedAt()).isNotNull();
        }
    }

    @Test
    void whatAnEventSentComesBackWithItThroughTheDeadLettersAndReplayAndAcrossReopening() {
        long replayed;
        try (Store store = openAsOnlyNode()) {
            store.journal().split(List.of(), List.of(event("E1", "user:A"), event("E2", "user:A")), List.of()).join();
            List<StoredEvent> pending = store.journal().pending(0, 10);
            assertThat(pending).extracting(StoredEvent::sent).containsOnlyNulls();
            long seq = pending.get(0).seq();
            store.journal().recordSent(seq, "reply 0").join();
            store.journal().recordSent(seq, "reply 0, reply 2").join(); // replaces
            assertThat(store.journal().pending(0, 10)).extracting(StoredEvent::sent).containsExactly("reply 0, reply 2", null);

            store.journal().deadLetter(seq, 2, "boom").join();
            long letter = store.deadLetters().list(10).get(0).id();
            replayed = store.deadLetters().replay(letter).join().orElseThrow();
            StoredEvent back = store.journal().pending(0, 10).stream().filter(e -> e.seq() == replayed).findFirst().orElseThrow();
            assertThat(back.eventId()).isEqualTo("E1");
            assertThat(back.sent()).as("a replay must not send again what the event's handler already sent").isEqualTo("reply 0, reply 2");

            long second = pending.get(1).seq();
            store.journal().recordSent(second, "reply 0").join();
            store.journal().complete(second, "user:A", Map.of()).join();
            assertThat(store.journal().pending(0, 10)).extracting(StoredEvent::eventId).containsExactly("E1");
        }
        try (Store store = open()) {
            assertThat(store.journal().pending(0, 10)).singleElement().satisfies(e -> {
                assertThat(e.seq()).isEqualTo(replayed);
                assertThat(e.sent()).isEqualTo("reply 0, reply 2");
            });
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
    void theApiLogIsSearchedByEachPartPagedByKeyAndShowsARequestsAttemptsTogether() {
        try (Store store = open()) {
            ApiRequestLog log = store.apiRequests();
            Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
            log.record(new ApiRequestLog.ApiCall(t0, "POST", "/v2/bot/message/push", 500, 12, "r1", null, "k1", 1, "x", null)).join();
            log.record(new ApiRequestLog.ApiCall(t0.plusSeconds(1), "POST", "/v2/bot/message/push", 429, 3, "r2", null, "k1", 2, "y",
                    null)).join();
            log.record(new ApiRequestLog.ApiCall(t0.plusSeconds(2), "POST", "/v2/bot/message/push", 409, 8, "r3", "r0", "k1", 3, null,
                    null)).join();
            log.record(new ApiRequestLog.ApiCall(t0.plusSeconds(2), "GET", "/v2/bot/info", 200, 3, "r4", null, null, 1, null,
                    null)).join();
            log.record(new ApiRequestLog.ApiCall(t0.plusSeconds(9), "POST", "/v2/bot/message/reply", 200, 3, "r5", null, null, 1,
                    null, null)).join();
            log.record(new ApiRequestLog.ApiCall(t0.plusSeconds(10), "POST", "/v2/bot/message/push", 200, 3, "r0", null, "k0", 1,
                    null, null)).join();

            List<ApiRequestLog.Logged> all = log.search(ApiRequestLog.Search.ALL, null, 10);
            assertThat(all).extracting(l -> l.call().requestId()).containsExactly("r0", "r5", "r4", "r3", "r2", "r1");
            List<ApiRequestLog.Logged> first = log.search(ApiRequestLog.Search.ALL, null, 2);
            List<ApiRequestLog.Logged> second = log.search(ApiRequestLog.Search.ALL, first.get(1).position(), 2);
            List<ApiRequestLog.Logged> third = log.search(ApiRequestLog.Search.ALL, second.get(1).position(), 2);
            assertThat(List.of(first, second, third)).flatExtracting(page -> page).extracting(l -> l.call().requestId())
                    .containsExactly("r0", "r5", "r4", "r3", "r2", "r1"); // r4 and r3 share a millisecond: ordered by id
            assertThat(log.search(ApiRequestLog.Search.ALL, third.get(1).position(), 2)).isEmpty();

            assertThat(ids(log, new ApiRequestLog.Search(t0.plusSeconds(1), t0.plusSeconds(9), null, null, null, null, null)))
                    .containsExactly("r4", "r3", "r2");
            assertThat(ids(log, new ApiRequestLog.Search(null, null, "/v2/bot/message/push", null, null, null, null)))
                    .containsExactly("r0", "r3", "r2", "r1");
            assertThat(ids(log, new ApiRequestLog.Search(null, null, null, 500, 599, null, null))).containsExactly("r1");
            assertThat(ids(log, new ApiRequestLog.Search(null, null, null, 429, 429, null, null))).containsExactly("r2");
            assertThat(ids(log, new ApiRequestLog.Search(null, null, "/v2/bot/message/push", 200, 299, null, null)))
                    .containsExactly("r0");
            assertThat(ids(log, new ApiRequestLog.Search(null, null, null, null, null, "k1", null))).containsExactly("r3", "r2", "r1");
            assertThat(ids(log, new ApiRequestLog.Search(null, null, null, null, null, null, "r0"))).containsExactly("r0", "r3");

            long retried = all.get(4).id(); // r2, the second attempt of k1
            assertThat(log.attempts(retried, 100)).extracting(l -> l.call().requestId()).containsExactly("r1", "r2", "r3");
            long accepted = all.get(0).id(); // r0 has its own key; the 409 names it as the accepted one
            assertThat(log.attempts(accepted, 100)).extracting(l -> l.call().requestId()).containsExactly("r0");
            assertThat(log.attempts(all.get(2).id(), 100)).extracting(l -> l.call().requestId()).containsExactly("r4");
            assertThat(log.attempts(999_999, 100)).isEmpty();
        }
    }

    private static List<String> ids(ApiRequestLog log, ApiRequestLog.Search search) {
        return log.search(search, null, 50).stream().map(l -> l.call().requestId()).toList();
    }

    @Test
    void aPageOfTheApiLogAnswersInUnder200MillisecondsWithAMillionRows() throws Exception {
        try (Store store = open()) {
            store.apiRequests().search(ApiRequestLog.Search.ALL, null, 1); // migrated
        }
        long started = System.nanoTime();
        try (Connection c = sql(); Statement st = c.createStatement()) {
            // Made by the database itself, in one statement: a million rows a second apart; pushes with a retry
            // key per two attempts, one in ten a profile lookup, one in a hundred 500, one in fifty 429.
            st.executeUpdate("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)"
                    + " INSERT INTO api_requests (at, method, endpoint, status, latency_ms, request_id, accepted_request_id,"
                    + " retry_key, attempt, error, request_body)"
                    + " SELECT 1700000000000 + i * 1000, CASE WHEN i % 10 = 3 THEN 'GET' ELSE 'POST' END,"
                    + " CASE WHEN i % 10 = 3 THEN '/v2/bot/profile/U' || i ELSE '/v2/bot/message/push' END,"
                    + " CASE WHEN i % 100 = 0 THEN 500 WHEN i % 50 = 1 THEN 429 ELSE 200 END, 12, 'r' || i, NULL,"
                    + " CASE WHEN i % 10 = 3 THEN NULL ELSE 'k' || (i / 2) END, i % 2 + 1, NULL, NULL FROM n");
            if (c.getMetaData().getDatabaseProductName().equals("PostgreSQL")) {
                st.execute("ANALYZE api_requests"); // what autovacuum does after a load this size; SQLite is told its index
            }
        }
        System.out.printf("a million API log rows inserted in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        try (Store store = open()) {
            ApiRequestLog log = store.apiRequests();
            Instant t0 = Instant.ofEpochMilli(1_700_000_000_000L);
            ApiRequestLog.Position middle = new ApiRequestLog.Position(t0.plusSeconds(500_000), Long.MAX_VALUE);
            long slowest = 0;
            List<ApiRequestLog.Search> searches = List.of(ApiRequestLog.Search.ALL,
                    new ApiRequestLog.Search(t0.plusSeconds(200_000), t0.plusSeconds(203_600), null, null, null, null, null),
                    new ApiRequestLog.Search(null, null, "/v2/bot/message/push", null, null, null, null),
                    new ApiRequestLog.Search(null, null, "/v2/bot/profile/U123453", null, null, null, null),
                    new ApiRequestLog.Search(null, null, null, 429, 429, null, null),
                    new ApiRequestLog.Search(null, null, null, 500, 599, null, null),
                    new ApiRequestLog.Search(t0.plusSeconds(100_000), null, "/v2/bot/message/push", 500, 599, null, null),
                    new ApiRequestLog.Search(null, null, null, null, null, "k250000", null),
                    new ApiRequestLog.Search(null, null, null, null, null, null, "r777777"));
            for (int round = 0; round < 2; round++) { // the first round warms the JIT and the page cache
                for (ApiRequestLog.Search s : searches) {
                    for (ApiRequestLog.Position after : Arrays.asList(null, middle)) {
                        long t = System.nanoTime();
                        List<ApiRequestLog.Logged> page = log.search(s, after, 50);
                        long millis = (System.nanoTime() - t) / 1_000_000;
                        if (after == null) {
                            assertThat(page).as("a page of " + s).isNotEmpty();
                        }
                        if (round == 1) {
                            slowest = Math.max(slowest, millis);
                            assertThat(millis).as("a page of " + s + " after " + after).isLessThan(200);
                        }
                    }
                }
                long t = System.nanoTime();
                List<ApiRequestLog.Logged> attempts = log.attempts(log.search(searches.get(7), null, 1).get(0).id(), 100);
                long millis = (System.nanoTime() - t) / 1_000_000;
                assertThat(attempts).extracting(l -> l.call().requestId()).containsExactly("r500000", "r500001");
                if (round == 1) {
                    assertThat(millis).as("one request's attempts").isLessThan(200);
                }
            }
            System.out.printf("the slowest page of the API log with a million rows: %d ms%n", slowest);
            assertThat(log.search(searches.get(5), middle, 50)).hasSize(50).allSatisfy(l -> {
                assertThat(l.call().status()).isEqualTo(500);
                assertThat(l.call().at()).isBeforeOrEqualTo(middle.at());
            });
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

    @Test
    void operatorSwitchesAreSeenThroughEveryHandleAtOnce() {
        try (Store a = open(); Store b = open()) {
            a.controls().setControl(OperatorControls.MAINTENANCE, "on", true);
            assertThat(b.controls().controls(OperatorControls.MAINTENANCE)).containsExactly("on");
            b.controls().setControl(OperatorControls.MAINTENANCE, "on", false);
            assertThat(a.controls().controls(OperatorControls.MAINTENANCE)).isEmpty();
        }
    }

    @Test
    void rateBucketsNeverHandOutMoreThanTheyHoldUnderConcurrency() throws Exception {
        Instant now = Instant.parse("2026-11-01T00:00:00Z");
        try (Store a = open(); Store b = open()) {
            AtomicInteger taken = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Store s = t % 2 == 0 ? a : b;
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        taken.addAndGet(s.rateBuckets().take("POST /v2/bot/message/push", 100, 0, 1, now));
                    }
                }));
            }
            for (Future<?> r : runs) {
                r.get();
            }
            pool.shutdown();
            // 320 takes of one token from a bucket of 100 that does not refill: exactly 100 succeed.
            assertThat(taken.get()).isEqualTo(100);
            assertThat(a.rateBuckets().take("POST /v2/bot/message/push", 100, 10, 5, now.plusSeconds(1))).isEqualTo(5);
        }
    }

    @Test
    void campaignProgressIsDurableBatchByBatch() {
        Instant t = Instant.parse("2026-11-01T00:00:00Z");
        long id;
        try (Store store = open()) {
            id = store.campaigns().createCampaign("sale", "multicast", null, "[{\"type\":\"text\",\"text\":\"Sale!\"}]", 500, t,
                    List.of(new CampaignStore.NewBatch(List.of("U1", "U2"), "k0"), new CampaignStore.NewBatch(List.of("U3"), "k1"),
                            new CampaignStore.NewBatch(List.of("U4", "U5", "U6"), "k2")), t);
            CampaignStore.Batch first = store.campaigns().nextPendingBatch(id).orElseThrow();
            assertThat(first.batchNo()).isZero();
            assertThat(first.recipients()).containsExactly("U1", "U2");
            assertThat(first.retryKey()).isEqualTo("k0");
            store.campaigns().markBatchSent(id, 0, "req-0", null, t.plusSeconds(1));
        }
        try (Store store = open()) {
            assertThat(store.campaigns().nextPendingBatch(id)).map(CampaignStore.Batch::batchNo).contains(1);
            store.campaigns().markBatchFailed(id, 1, "400 Bad Request", t.plusSeconds(2));
            store.campaigns().markBatchSent(id, 2, "req-2", "req-accepted", t.plusSeconds(3));
            assertThat(store.campaigns().nextPendingBatch(id)).isEmpty();
            CampaignStore.Campaign c = store.campaigns().campaign(id).orElseThrow();
            assertThat(c.batches()).isEqualTo(3);
            assertThat(c.sentBatches()).isEqualTo(2);
            assertThat(c.failedBatches()).isEqualTo(1);
            assertThat(c.recipients()).isEqualTo(6);
            assertThat(c.sentRecipients()).isEqualTo(5);
            assertThat(c.audienceGroupId()).isNull();
            assertThat(store.campaigns().acceptedRequestId(id, 2)).contains("req-accepted");
            assertThat(store.campaigns().acceptedRequestId(id, 0)).contains("req-0");
            assertThat(store.campaigns().setCampaignState(id, "paused", null, List.of("done"))).isFalse();
            assertThat(store.campaigns().setCampaignState(id, "paused", null, List.of("running"))).isTrue();
            assertThat(store.campaigns().campaigns()).extracting(CampaignStore.Campaign::state).containsExactly("paused");
        }
    }

    @Test
    void aRepeatedDoneMarkChangesStateOnlyOnce() {
        try (Store a = openAsOnlyNode(); Store b = open()) {
            a.journal().split(List.of(), List.of(event("E1", "user:A")), List.of()).join();
            StoredEvent e = a.journal().pending(0, 1).get(0);
            a.journal().complete(e.seq(), "user:A", Map.of("count", "1")).join();
            // A second handler run of the same event (another node, or a retry after a lost answer) commits nothing.
            a.journal().complete(e.seq(), "user:A", Map.of("count", "2")).join();
            assertThat(b.conversations().state("user:A")).containsExactly(Map.entry("count", "1"));
        }
    }

    @Test
    void aLogPartitionsFailedAttemptsComeBackWithItsNextClaimAreFencedAndGoWithTheEventsFinish() {
        LogPositions.Claim first;
        try (Store store = open()) {
            LogPositions log = store.logPositions("contract.events");
            first = log.claim(0, "a").join();
            assertThat(first.attempts()).isEmpty();
            log.recordAttempts(0, first.epoch(), 3, 1).join();
            log.recordAttempts(0, first.epoch(), 3, 2).join();
            log.recordAttempts(0, first.epoch(), 4, 1).join();
        }
        try (Store store = open()) { // the node that takes the partition next, or this one after a restart
            LogPositions log = store.logPositions("contract.events");
            LogPositions.Claim second = log.claim(0, "b").join();
            assertThat(second.attempts()).containsExactlyInAnyOrderEntriesOf(Map.of(3L, 2, 4L, 1));
            // The previous holder's count is refused once the partition is claimed again.
            CompletableFuture<Void> late = log.recordAttempts(0, first.epoch(), 3, 5);
            assertThat(late).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(Cluster.LeaseLostException.class);
            // Finished (the position stays below it: earlier offsets are not): its count is gone, the other's stays.
            log.finish(0, second.epoch(), 3, 0, "E3", LogPositions.Finish.done("user:A", Map.of())).join();
            assertThat(log.claim(0, "c").join().attempts()).containsExactlyInAnyOrderEntriesOf(Map.of(4L, 1));
            assertThat(store.logPositions("other.events").claim(0, "c").join().attempts()).as("another log's").isEmpty();
        }
    }

    @Test
    void pendingEventsCanBeReadByPartition() {
        try (Store store = open()) {
            List<NewEvent> events = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                events.add(event("E" + i, "user:U" + i));
            }
            store.journal().split(List.of(), events, List.of()).join();
            List<StoredEvent> all = store.journal().pending(0, 100);
            assertThat(all).hasSize(40).allSatisfy(e ->
                    assertThat(e.partition()).isBetween(0, store.cluster().partitions() - 1));
            int p = all.get(0).partition();
            assertThat(store.journal().pending(Set.of(p), 0, 100))
                    .isNotEmpty()
                    .allSatisfy(e -> assertThat(e.partition()).isEqualTo(p))
                    .extracting(StoredEvent::seq).isSorted();
            assertThat(store.journal().pending(Set.of(), 0, 100)).isEmpty();
        }
    }

    @Test
    void aSplitOfBodiesAnotherSplitConsumedChangesNothing() {
        try (Store store = open()) {
            for (int i = 0; i < 3; i++) {
                store.journal().append(new byte[] {(byte) i}, Instant.now()).join();
            }
            List<EventJournal.InboxEntry> bodies = store.journal().inbox(0, 10);
            store.journal().split(List.of(bodies.get(0).seq()), List.of(event("E1", "user:A")), List.of()).join();
            // A node whose split lease ran out splits the same body again, with another: nothing of it is written.
            assertThat(store.journal().split(List.of(bodies.get(0).seq(), bodies.get(1).seq()),
                    List.of(event("E2", "user:B")), List.of()))
                    .failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(Cluster.LeaseLostException.class);
            assertThat(store.journal().pending(0, 10)).extracting(StoredEvent::eventId).containsExactly("E1");
            assertThat(store.journal().inbox(0, 10)).hasSize(2);
        }
    }

    @Test
    void oneNodeAtATimeHoldsTheSplitLease() {
        try (Store a = open(); Store b = open()) {
            assertThat(a.cluster().leaseSplitting(Duration.ofSeconds(30))).isTrue();
            assertThat(a.cluster().leaseSplitting(Duration.ofSeconds(30))).as("renewed by its holder").isTrue();
            if (a.cluster().shared()) {
                assertThat(b.cluster().leaseSplitting(Duration.ofSeconds(30))).isFalse();
                a.cluster().leave();
                assertThat(b.cluster().leaseSplitting(Duration.ofSeconds(30))).as("given back by leaving").isTrue();
            }
        }
    }

    @Test
    void oneWebhooksEventsKeepTheirOrderAndTheFirstOfARepeatedIdIsKept() {
        try (Store store = open()) {
            List<NewEvent> events = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                events.add(new NewEvent("E" + (i % 25), "user:A", "Ubot", "{\"n\":" + i + "}", Instant.ofEpochMilli(1000)));
            }
            var r = store.journal().split(List.of(), events, List.of()).join();
            assertThat(r.accepted()).isEqualTo(25);
            assertThat(r.duplicates()).isEqualTo(25);
            List<StoredEvent> stored = store.journal().pending(0, 100);
            assertThat(stored).extracting(StoredEvent::payload)
                    .containsExactlyElementsOf(events.subList(0, 25).stream().map(NewEvent::payload).toList());
            assertThat(stored).extracting(StoredEvent::seq).isSorted();
        }
    }

    @Test
    void pendingCountsSayHowManyEventsOfEachPartitionWaitUpToANumber() {
        try (Store store = open()) {
            List<NewEvent> events = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                events.add(event("E" + i, "user:U" + i));
            }
            store.journal().split(List.of(), events, List.of()).join();
            List<StoredEvent> all = store.journal().pending(0, 100);
            long middle = all.get(14).seq();
            Set<Integer> partitions = new HashSet<>();
            all.forEach(e -> partitions.add(e.partition()));
            Map<Integer, Long> expected = new HashMap<>();
            all.stream().filter(e -> e.seq() <= middle).forEach(e -> expected.merge(e.partition(), 1L, Long::sum));
            assertThat(store.journal().pendingCounts(partitions, middle)).isEqualTo(expected);
            assertThat(store.journal().pendingCounts(Set.of(), middle)).isEmpty();
        }
    }

    @Test
    void aSnapshotsFiguresAgreeWithEachOther() {
        try (Store store = openAsOnlyNode()) {
            store.journal().append(new byte[] {1}, Instant.now()).join();
            store.journal().append(new byte[] {2}, Instant.now()).join();
            List<NewEvent> events = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                events.add(event("E" + i, "user:U" + i));
            }
            store.journal().split(List.of(), events, List.of()).join();
            Cluster.Snapshot now = store.cluster().snapshot();
            assertThat(now.unsplit()).isEqualTo(2);
            assertThat(now.backlog().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(12);
            assertThat(now.nodes()).hasSize(1);
            assertThat(now.unowned()).isZero();
            assertThat(store.journal().pendingCount()).isEqualTo(14);
        }
    }

    // ---- logins and links ------------------------------------------------------------------------

    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    static PendingLogins.PendingLogin login(String idHash, String linkMember) {
        return new PendingLogins.PendingLogin(idHash, "state-digest", "nonce", "verifier", "https://example.com/cb",
                linkMember, T0, T0.plusSeconds(600));
    }

    @Test
    void aPendingLoginIsUsedOnceAmongConcurrentCallersOfTwoProcesses() throws Exception {
        try (Store a = open(); Store b = open()) {
            a.pendingLogins().savePendingLogin(login("id-1", "member-7"));
            List<CompletableFuture<PendingLogins.Use>> uses = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Store s = i % 2 == 0 ? a : b;
                uses.add(CompletableFuture.supplyAsync(() -> s.pendingLogins().usePendingLogin("id-1", "state-digest",
                        T0.plusSeconds(1))));
            }
            List<PendingLogins.Use> done = uses.stream().map(CompletableFuture::join).toList();
            assertThat(done).filteredOn(u -> u.login() != null).singleElement()
                    .satisfies(u -> assertThat(u.login().linkMemberId()).isEqualTo("member-7"));
            assertThat(done).filteredOn(u -> u.login() == null).extracting(PendingLogins.Use::refusal)
                    .containsOnly(PendingLogins.Use.Refusal.ALREADY_USED);
        }
    }

    @Test
    void aPendingLoginNeedsItsStateAndRefusesOnceExpired() {
        try (Store store = open()) {
            store.pendingLogins().savePendingLogin(login("id-1", null));
            store.pendingLogins().savePendingLogin(login("id-2", null));
            assertThat(store.pendingLogins().usePendingLogin("id-1", "other-digest", T0).refusal())
                    .isEqualTo(PendingLogins.Use.Refusal.STATE_MISMATCH);
            assertThat(store.pendingLogins().usePendingLogin("nope", "state-digest", T0).refusal())
                    .isEqualTo(PendingLogins.Use.Refusal.NO_SUCH_LOGIN);
            assertThat(store.pendingLogins().usePendingLogin("id-1", "state-digest", T0.plusSeconds(599)).login()).isNotNull();
            assertThat(store.pendingLogins().usePendingLogin("id-2", "state-digest", T0.plusSeconds(600)).refusal())
                    .isEqualTo(PendingLogins.Use.Refusal.EXPIRED);
            assertThat(login("x", null).toString()).doesNotContain("verifier", "nonce=", "state-digest");
        }
    }

    @Test
    void theOldestAnonymousLoginsAreEvictedBeyondTheBoundAndMembersLinksNever() {
        try (Store store = open()) {
            for (int i = 0; i < 10; i++) {
                store.pendingLogins().savePendingLogin(new PendingLogins.PendingLogin("anon-" + i, "state-digest", "n", "v",
                        "u", null, T0.plusSeconds(i), T0.plusSeconds(600 + i)));
            }
            store.pendingLogins().savePendingLogin(new PendingLogins.PendingLogin("member-link", "state-digest", "n", "v",
                    "u", "member-7", T0, T0.plusSeconds(600)));
            assertThat(store.pendingLogins().evictOldestAnonymous(4)).isEqualTo(6);
            assertThat(store.pendingLogins().evictOldestAnonymous(4)).isZero();
            for (int i = 0; i < 6; i++) {
                assertThat(store.pendingLogins().usePendingLogin("anon-" + i, "state-digest", T0.plusSeconds(20)).refusal())
                        .as("anon-" + i).isEqualTo(PendingLogins.Use.Refusal.NO_SUCH_LOGIN);
            }
            for (int i = 6; i < 10; i++) {
                assertThat(store.pendingLogins().usePendingLogin("anon-" + i, "state-digest", T0.plusSeconds(20)).login())
                        .as("anon-" + i).isNotNull();
            }
            assertThat(store.pendingLogins().usePendingLogin("member-link", "state-digest", T0.plusSeconds(20)).login())
                    .isNotNull();
        }
    }

    @Test
    void purgingDeletesExpiredLoginsUsedOrNotAndKeepsLiveOnes() {
        try (Store store = open()) {
            store.pendingLogins().savePendingLogin(login("old-used", null));
            store.pendingLogins().savePendingLogin(login("old-unused", null));
            store.pendingLogins().usePendingLogin("old-used", "state-digest", T0.plusSeconds(1));
            store.pendingLogins().savePendingLogin(new PendingLogins.PendingLogin("live", "state-digest", "n", "v", "u", null,
                    T0.plusSeconds(300), T0.plusSeconds(900)));
            assertThat(store.pendingLogins().purgeExpired(T0.plusSeconds(600))).isEqualTo(2);
            assertThat(store.pendingLogins().purgeExpired(T0.plusSeconds(600))).isZero();
            assertThat(store.pendingLogins().usePendingLogin("old-unused", "state-digest", T0.plusSeconds(601)).refusal())
                    .isEqualTo(PendingLogins.Use.Refusal.NO_SUCH_LOGIN);
            assertThat(store.pendingLogins().usePendingLogin("live", "state-digest", T0.plusSeconds(601)).login()).isNotNull();
        }
    }

    static LinkStore.LinkNonce nonce(String hash, String member, String lineUser) {
        return new LinkStore.LinkNonce(hash, member, "token-digest", lineUser, false, T0, T0.plusSeconds(600));
    }

    @Test
    void aLinkNonceIsUsedOnceAmongConcurrentCallersAndCarriesItsTokenAndUser() throws Exception {
        try (Store a = open(); Store b = open()) {
            a.links().saveLinkNonce(nonce("nonce-1", "member-1", "U1"));
            List<CompletableFuture<Optional<LinkStore.LinkNonce>>> uses = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Store s = i % 2 == 0 ? a : b;
                uses.add(CompletableFuture.supplyAsync(() -> s.links().useLinkNonce("nonce-1", T0.plusSeconds(1))));
            }
            List<LinkStore.LinkNonce> got = uses.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList();
            assertThat(got).singleElement().satisfies(n -> {
                assertThat(n.memberId()).isEqualTo("member-1");
                assertThat(n.lineUserId()).isEqualTo("U1");
                assertThat(n.linkTokenHash()).isEqualTo("token-digest");
            });
            a.links().saveLinkNonce(nonce("nonce-2", "member-1", "U1"));
            assertThat(a.links().useLinkNonce("nonce-2", T0.plusSeconds(600))).as("expired").isEmpty();
        }
    }

    @Test
    void linkTokensAreRecordedWithTheirUserUntilTheyExpireAndArePurged() {
        try (Store store = open()) {
            store.links().recordLinkToken("token-digest", "U1", T0, T0.plusSeconds(600));
            store.links().saveLinkNonce(nonce("nonce-1", "member-1", "U1"));
            assertThat(store.links().linkTokenUser("token-digest", T0.plusSeconds(599))).contains("U1");
            assertThat(store.links().linkTokenUser("token-digest", T0.plusSeconds(600))).isEmpty();
            assertThat(store.links().linkTokenUser("other", T0)).isEmpty();
            assertThat(store.links().purgeExpired(T0.plusSeconds(599))).isZero();
            assertThat(store.links().purgeExpired(T0.plusSeconds(600))).isEqualTo(2);
        }
    }

    @Test
    void aLinkNeverSilentlyReplacesAnotherAndAReplacementIsAuditedOnBothSides() {
        try (Store store = open()) {
            LinkStore links = store.links();
            assertThat(links.link("U1", "alice", "line-login", false, T0).outcome()).isEqualTo(LinkStore.LinkResult.Outcome.LINKED);
            assertThat(links.link("U1", "alice", "line-login", false, T0).outcome())
                    .isEqualTo(LinkStore.LinkResult.Outcome.ALREADY_LINKED);

            LinkStore.LinkResult refusedForMember = links.link("U2", "alice", "line-login", false, T0.plusSeconds(1));
            assertThat(refusedForMember.outcome()).isEqualTo(LinkStore.LinkResult.Outcome.WOULD_REPLACE);
            assertThat(refusedForMember.existing()).extracting(LinkStore.Link::lineUserId).containsExactly("U1");
            assertThat(links.link("U1", "bob", "account-link", false, T0.plusSeconds(2)).outcome())
                    .isEqualTo(LinkStore.LinkResult.Outcome.WOULD_REPLACE);
            assertThat(links.linkOfMember("alice")).map(LinkStore.Link::lineUserId).contains("U1");
            assertThat(links.linkOfMember("bob")).isEmpty();

            links.link("U3", "bob", "account-link", false, T0.plusSeconds(3));
            LinkStore.LinkResult replaced = links.link("U1", "bob", "account-link", true, T0.plusSeconds(4));
            assertThat(replaced.outcome()).isEqualTo(LinkStore.LinkResult.Outcome.REPLACED);
            assertThat(replaced.existing()).extracting(LinkStore.Link::memberId).containsExactlyInAnyOrder("alice", "bob");
            assertThat(links.links()).extracting(LinkStore.Link::lineUserId, LinkStore.Link::memberId)
                    .containsExactly(Tuple.tuple("U1", "bob"));
            assertThat(links.auditTrail(3)).extracting(LinkStore.AuditEntry::action, LinkStore.AuditEntry::lineUserId,
                    LinkStore.AuditEntry::memberId).containsExactlyInAnyOrder(
                    Tuple.tuple("linked", "U1", "bob"),
                    Tuple.tuple("replaced", "U1", "alice"),
                    Tuple.tuple("replaced", "U3", "bob"));
            assertThat(links.auditTrail(20)).extracting(LinkStore.AuditEntry::action).filteredOn("refused"::equals).hasSize(2);
        }
    }

    @Test
    void concurrentLinksToOneMemberLinkOneLineUserAndRefuseTheRest() throws Exception {
        try (Store a = open(); Store b = open()) {
            List<CompletableFuture<LinkStore.LinkResult>> links = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Store s = i % 2 == 0 ? a : b;
                String user = "U" + i;
                links.add(CompletableFuture.supplyAsync(() -> s.links().link(user, "alice", "account-link", false, T0)));
            }
            List<LinkStore.LinkResult> done = links.stream().map(CompletableFuture::join).toList();
            assertThat(done).extracting(LinkStore.LinkResult::outcome).containsOnly(LinkStore.LinkResult.Outcome.LINKED,
                    LinkStore.LinkResult.Outcome.WOULD_REPLACE).filteredOn(LinkStore.LinkResult.Outcome.LINKED::equals).hasSize(1);
            assertThat(a.links().links()).singleElement().satisfies(l -> assertThat(l.memberId()).isEqualTo("alice"));
        }
    }
}
