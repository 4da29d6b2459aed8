package io.linegate.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linegate.store.Cluster;
import io.linegate.store.Cluster.Assignment;
import io.linegate.store.EventJournal;
import io.linegate.store.EventJournal.NewEvent;
import io.linegate.store.EventJournal.StoredEvent;
import io.linegate.store.Store;
import io.linegate.store.TestPostgres;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.postgresql.ds.PGSimpleDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Nodes sharing one PostgreSQL store: partition leases, fair shares, takeover, fencing. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PostgresClusterTest {
    static final Duration TTL = Duration.ofSeconds(30);
    String location;
    final List<Store> stores = new ArrayList<>();

    @BeforeEach
    void database() {
        location = TestPostgres.server().newDatabase();
    }

    @AfterEach
    void close() {
        stores.forEach(Store::close);
    }

    Store node() {
        Store s = Store.open(location, PostgresStoreTest.options());
        stores.add(s);
        return s;
    }

    @Test
    void eachNodeHasItsOwnIdAndTheNodesShareThePartitionsFairly() {
        Store a = node();
        Store b = node();
        Store c = node();
        assertThat(Set.of(a.cluster().nodeId(), b.cluster().nodeId(), c.cluster().nodeId())).hasSize(3);

        Assignment first = a.cluster().heartbeat(Set.of(), TTL);
        assertThat(first.held()).hasSize(64); // alone: everything
        assertThat(b.cluster().heartbeat(Set.of(), TTL).held()).isEmpty(); // nothing is free yet
        assertThat(c.cluster().heartbeat(Set.of(), TTL).held()).isEmpty();

        Assignment crowded = a.cluster().heartbeat(Set.of(), TTL);
        assertThat(crowded.surplus()).isEqualTo(64 - 22); // three live nodes: 22 each at most
        Set<Integer> giveBack = new HashSet<>(List.copyOf(crowded.held()).subList(0, crowded.surplus()));
        Set<Integer> kept = a.cluster().heartbeat(giveBack, TTL).held();
        Set<Integer> ofB = b.cluster().heartbeat(Set.of(), TTL).held();
        Set<Integer> ofC = c.cluster().heartbeat(Set.of(), TTL).held();

        assertThat(kept).hasSize(22);
        assertThat(ofB).hasSize(22);
        assertThat(ofC).hasSize(20);
        Set<Integer> all = new HashSet<>(kept);
        all.addAll(ofB);
        all.addAll(ofC);
        assertThat(all).hasSize(64); // disjoint and complete
        assertThat(a.cluster().nodes()).extracting(Cluster.Node::id)
                .containsExactlyInAnyOrder(a.cluster().nodeId(), b.cluster().nodeId(), c.cluster().nodeId());
    }

    @Test
    void anExpiredLeaseIsTakenOverAndTheOldHolderCanNoLongerCommitItsEvents() throws Exception {
        Store a = node();
        Store b = node();
        a.journal().split(List.of(), List.of(new NewEvent("E1", "user:U1", "Ubot", "{}", Instant.now())), List.of()).join();
        StoredEvent e = a.journal().pending(0, 1).get(0);
        assertThat(a.cluster().heartbeat(Set.of(), Duration.ofMillis(800)).held()).contains(e.partition());
        assertThat(b.cluster().heartbeat(Set.of(), TTL).held()).doesNotContain(e.partition());

        Thread.sleep(1_000); // a stops renewing (it is paused, or cut off) and its leases run out
        assertThat(b.cluster().heartbeat(Set.of(), TTL).held()).contains(e.partition());

        assertThatThrownBy(() -> a.journal().complete(e.seq(), e.lane(), Map.of("count", "1")).join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(Cluster.LeaseLostException.class);
        assertThatThrownBy(() -> a.journal().deadLetter(e.seq(), 5, "boom").join())
                .hasCauseInstanceOf(Cluster.LeaseLostException.class);
        assertThat(a.cluster().heartbeat(Set.of(), TTL).held()).doesNotContain(e.partition()); // renewing does not take it back

        b.journal().complete(e.seq(), e.lane(), Map.of("count", "1")).join();
        assertThat(a.conversations().state("user:U1")).containsExactly(Map.entry("count", "1"));
        assertThat(a.deadLetters().list(10)).isEmpty();
    }

    @Test
    void doneMarksWrittenTogetherAreFencedEachOnItsOwn() {
        Store a = node();
        Store b = node();
        List<NewEvent> events = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            events.add(new NewEvent("E" + i, "user:U" + i, "Ubot", "{}", Instant.now()));
        }
        a.journal().split(List.of(), events, List.of()).join();
        Assignment crowded = a.cluster().heartbeat(Set.of(), TTL);
        assertThat(crowded.held()).hasSize(64);
        assertThat(b.cluster().heartbeat(Set.of(), TTL).held()).isEmpty();
        Assignment shared = a.cluster().heartbeat(Set.of(), TTL);
        Set<Integer> giveBack = new HashSet<>(List.copyOf(shared.held()).subList(0, shared.surplus()));
        Set<Integer> ofA = a.cluster().heartbeat(giveBack, TTL).held();
        Set<Integer> ofB = b.cluster().heartbeat(Set.of(), TTL).held();
        assertThat(ofA).isNotEmpty().doesNotContainAnyElementsOf(ofB);
        assertThat(ofB).isNotEmpty();

        // All at once, so that they go to the database in a few transactions, mixing a's partitions and b's.
        List<StoredEvent> pending = a.journal().pending(0, 1_000);
        assertThat(pending).hasSize(200);
        List<CompletableFuture<Void>> marks = new ArrayList<>();
        for (StoredEvent e : pending) {
            marks.add(a.journal().complete(e.seq(), e.lane(), Map.of()));
        }
        int lost = 0;
        for (int i = 0; i < pending.size(); i++) {
            StoredEvent e = pending.get(i);
            if (ofA.contains(e.partition())) {
                marks.get(i).join(); // done
            } else {
                lost++;
                int index = i;
                assertThatThrownBy(() -> marks.get(index).join()).isInstanceOf(CompletionException.class)
                        .hasCauseInstanceOf(Cluster.LeaseLostException.class);
            }
        }
        assertThat(lost).isPositive();
        assertThat(a.journal().pending(0, 1_000)).extracting(StoredEvent::partition).hasSize(lost).allMatch(ofB::contains);
        StoredEvent doneAlready = pending.stream().filter(e -> ofA.contains(e.partition())).findFirst().orElseThrow();
        a.journal().complete(doneAlready.seq(), doneAlready.lane(), Map.of()).join(); // done before: nothing to do, no error
    }

    @Test
    void aNodeStopsWithinSecondsWhenItsDatabaseNoLongerAnswers() throws Exception {
        PostgresLocation l = PostgresLocation.parse(location, PostgresStoreTest.options().password());
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setUrl(l.jdbcUrl());
        pg.setUser(l.user());
        if (l.password() != null) {
            pg.setPassword(l.password().reveal());
        }
        GoingAway pool = new GoingAway(pg);
        Store a = Store.open(pool, PostgresStoreTest.options());
        stores.add(a);
        assertThat(a.cluster().heartbeat(Set.of(), TTL).held()).hasSize(64);

        pool.gone = true; // the database was shut down before the application: the pool waits for a connection
        long began = System.nanoTime();
        a.cluster().leave();
        assertThat(Duration.ofNanos(System.nanoTime() - began)).as("time to leave").isLessThan(Duration.ofSeconds(6));
        pool.gone = false;
        assertThat(node().cluster().heartbeat(Set.of(), TTL).held()).as("its leases run out instead").isEmpty();
    }

    /** An application's pool over a database that can go away: then a connection is waited for, as a pool does. */
    static final class GoingAway implements DataSource {
        final DataSource real;
        volatile boolean gone;

        GoingAway(DataSource real) {
            this.real = real;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (gone) {
                try {
                    Thread.sleep(8_000); // a pool's connection timeout (30 s by default in Hikari)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new SQLException("Connection is not available, request timed out after 8000ms.");
            }
            return real.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return real.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            real.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            real.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return real.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return real.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return real.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return real.isWrapperFor(iface);
        }
    }

    @Test
    void aNodeThatLeavesGivesItsPartitionsBackAtOnce() {
        Store a = node();
        Store b = node();
        a.cluster().heartbeat(Set.of(), TTL);
        a.cluster().leave();
        assertThat(b.cluster().heartbeat(Set.of(), TTL).held()).hasSize(64);
        assertThat(b.cluster().nodes()).extracting(Cluster.Node::id).containsExactly(b.cluster().nodeId());
    }

    /** Another session, as a node paused in the middle of a transaction would be. */
    Connection otherSession() throws SQLException {
        PostgresLocation l = PostgresLocation.parse(location, PostgresStoreTest.options().password());
        Connection c = DriverManager.getConnection(l.jdbcUrl(), l.user(), l.password() == null ? null : l.password().reveal());
        c.setAutoCommit(false);
        return c;
    }

    @Test
    void aSplitStepsAroundABodyAnotherSessionHoldsWithoutWaitingForIt() throws Exception {
        Store a = node();
        a.journal().append("{\"events\":[]}".getBytes(StandardCharsets.UTF_8), Instant.now()).join();
        a.journal().append("{\"events\":[]}".getBytes(StandardCharsets.UTF_8), Instant.now()).join();
        List<EventJournal.InboxEntry> bodies = a.journal().inbox(0, 10);
        long held = bodies.get(0).seq();
        long free = bodies.get(1).seq();
        try (Connection other = otherSession(); Statement st = other.createStatement()) {
            st.executeQuery("SELECT seq FROM inbox WHERE seq = " + held + " FOR UPDATE").close();
            long started = System.nanoTime();
            assertThatThrownBy(() -> a.journal().split(List.of(held, free),
                    List.of(new NewEvent("E1", "user:U1", "Ubot", "{}", Instant.now())), List.of()).join())
                    .hasCauseInstanceOf(EventJournal.BodiesHeldException.class)
                    .satisfies(e -> assertThat(((EventJournal.BodiesHeldException) e.getCause()).held()).containsExactly(held));
            // Not after the session's lock timeout (2 s here): at once.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1_500));
            assertThat(a.journal().pending(0, 10)).as("nothing of the refused split").isEmpty();

            a.journal().split(List.of(free), List.of(new NewEvent("E2", "user:U2", "Ubot", "{}", Instant.now())), List.of())
                    .join();
            assertThat(a.journal().inbox(0, 10)).extracting(EventJournal.InboxEntry::seq).containsExactly(held);
            other.rollback();
        }
        a.journal().split(List.of(held), List.of(new NewEvent("E1", "user:U1", "Ubot", "{}", Instant.now())), List.of())
                .join();
        assertThat(a.journal().pending(0, 10)).extracting(StoredEvent::eventId).containsExactly("E2", "E1");
        assertThat(a.journal().inbox(0, 10)).isEmpty();
    }

    @Test
    void onceTheSplitLeaseHasRunOutWhileAnotherSessionHoldsItsRowEveryNodeSplits() throws Exception {
        Store a = node();
        Store b = node();
        Duration lease = Duration.ofMillis(800);
        assertThat(a.cluster().leaseSplitting(lease)).isTrue();
        try (Connection other = otherSession(); Statement st = other.createStatement()) {
            st.executeQuery("SELECT name FROM leases WHERE name = 'dispatch-splitter' FOR UPDATE").close();
            assertThat(a.cluster().leaseSplitting(lease)).as("the holder, who cannot renew it").isFalse();
            assertThat(b.cluster().leaseSplitting(lease)).as("another node, while it holds").isFalse();
            Thread.sleep(lease.toMillis() + 200);
            assertThat(a.cluster().leaseSplitting(lease)).as("run out, and its row still held").isTrue();
            assertThat(b.cluster().leaseSplitting(lease)).as("run out, and its row still held").isTrue();
            other.rollback();
        }
        assertThat(b.cluster().leaseSplitting(lease)).as("taken again once the row is free").isTrue();
        assertThat(a.cluster().leaseSplitting(lease)).isFalse();
    }
}
