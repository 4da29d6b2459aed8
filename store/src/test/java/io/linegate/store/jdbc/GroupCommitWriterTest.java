package io.linegate.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's order: acknowledgements (urgent writes) never wait behind processing writes. */
class GroupCommitWriterTest {
    private static final int PROCESSING_WRITES = 10_000;

    @TempDir
    Path dir;
    private GroupCommitWriter writer;
    private final AtomicInteger processingCommitted = new AtomicInteger();

    @BeforeEach
    void open() throws Exception {
        Path file = dir.resolve("writer.db");
        writer = new GroupCommitWriter(() -> DriverManager.getConnection("jdbc:sqlite:" + file), "test-writer",
                "BEGIN IMMEDIATE");
        writer.submit(tx -> {
            try (Statement st = tx.connection().createStatement()) {
                st.execute("CREATE TABLE w (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, n INTEGER NOT NULL)");
            }
            return null;
        }).get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() {
        writer.close();
    }

    @Test
    void anAppendSubmittedWhileTenThousandProcessingWritesAreQueuedCommitsBeforeThem() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> blocker = writer.submit(tx -> {
            running.countDown();
            await(release);
            return null;
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Integer>> processing = queueProcessingWrites();

        CompletableFuture<Integer> seenByTheAck = writer.submitUrgent(tx -> insert(tx, "ack", 0))
                .thenApply(x -> processingCommitted.get());
        release.countDown();

        assertThat(seenByTheAck.get(30, TimeUnit.SECONDS))
                .as("processing writes committed before the acknowledgement")
                .isZero();
        CompletableFuture.allOf(processing.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        blocker.get(10, TimeUnit.SECONDS);
        assertThat(rowsInCommitOrder("processing")).isEqualTo(inOrder(PROCESSING_WRITES));
    }

    @Test
    void anAppendJoinsTheProcessingGroupThatIsRunningAndTheRestOfThatGroupWaitsInItsOrder() throws Exception {
        CountDownLatch holdFirst = new CountDownLatch(1);
        CompletableFuture<Object> blocker = writer.submit(tx -> {
            await(holdFirst);
            return null;
        });
        // Queued behind the blocker, so that they are taken as one group: the first waits inside the transaction.
        CountDownLatch inGroup = new CountDownLatch(1);
        CountDownLatch releaseGroup = new CountDownLatch(1);
        CompletableFuture<Integer> first = writer.submit(tx -> {
            inGroup.countDown();
            await(releaseGroup);
            return insert(tx, "first", 0);
        });
        List<CompletableFuture<Integer>> processing = queueProcessingWrites();
        holdFirst.countDown();
        assertThat(inGroup.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Integer> seenByTheAck = writer.submitUrgent(tx -> insert(tx, "ack", 0))
                .thenApply(x -> processingCommitted.get());
        releaseGroup.countDown();

        assertThat(seenByTheAck.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(first).as("the running group's first write commits with the acknowledgement").isDone();
        CompletableFuture.allOf(processing.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        blocker.get(10, TimeUnit.SECONDS);
        assertThat(rowsInCommitOrder("processing")).isEqualTo(inOrder(PROCESSING_WRITES));
        assertThat(rowsInCommitOrder("ack")).hasSize(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the writer");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private List<CompletableFuture<Integer>> queueProcessingWrites() {
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < PROCESSING_WRITES; i++) {
            int n = i;
            futures.add(writer.submit(tx -> insert(tx, "processing", n)).whenComplete((r, e) -> {
                if (e == null) {
                    processingCommitted.incrementAndGet();
                }
            }));
        }
        return futures;
    }

    private static int insert(GroupCommitWriter.Tx tx, String kind, int n) throws SQLException {
        PreparedStatement ps = tx.prepare("INSERT INTO w (kind, n) VALUES (?, ?)");
        ps.setString(1, kind);
        ps.setInt(2, n);
        return ps.executeUpdate();
    }

    private List<Integer> rowsInCommitOrder(String kind) throws Exception {
        List<Integer> ns = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("writer.db"));
             PreparedStatement ps = c.prepareStatement("SELECT n FROM w WHERE kind = ? ORDER BY id")) {
            ps.setString(1, kind);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ns.add(rs.getInt(1));
                }
            }
        }
        return ns;
    }

    private static List<Integer> inOrder(int count) {
        List<Integer> ns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ns.add(i);
        }
        return ns;
    }
}
