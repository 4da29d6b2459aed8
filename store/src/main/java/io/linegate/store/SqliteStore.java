package io.linegate.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: one SQLite file in WAL mode under the data directory.
 *
 * <p>Writes go through a {@link GroupCommitWriter} with {@code synchronous=FULL}, so a completed
 * write survives a crash of the process and of the machine. Reads use a small pool of separate
 * connections, which WAL lets run while the writer commits.
 */
public final class SqliteStore implements EventJournal, OperatorControls, ApiRequestLog, TokenStore, CampaignStore, RateBucketStore, PendingLogins, LinkStore {
    public static final String FILE_NAME = "linegate.db";

    private final HikariDataSource readers;
    private final GroupCommitWriter writer;
    private final Clock clock;

    private final java.util.concurrent.ScheduledExecutorService checkpointer;

    private SqliteStore(HikariDataSource readers, GroupCommitWriter writer, Clock clock) {
        this.readers = readers;
        this.writer = writer;
        this.clock = clock;
        this.checkpointer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "linegate-store-checkpointer");
            t.setDaemon(true);
            return t;
        });
        checkpointer.scheduleWithFixedDelay(this::checkpoint, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** A PASSIVE checkpoint never waits for the writer or readers; it copies what it can. */
    private void checkpoint() {
        try (Connection c = readers.getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(PASSIVE)");
        } catch (SQLException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(SqliteStore.class).warn("WAL checkpoint failed; will try again", e);
        }
    }

    /** Opens (creating and migrating if needed) the store under {@code dataDir}. */
    public static SqliteStore open(Path dataDir) {
        return open(dataDir, Clock.systemUTC());
    }

    /**
     * Brings the schema up to date, one process at a time: Flyway's own lock does not hold on SQLite,
     * and processes of one deployment starting together on a new store would otherwise race to create
     * the same tables. An OS file lock beside the database serializes them (SQLite is shared only by
     * processes of one host, which all see the lock).
     */
    private static synchronized void migrate(SQLiteDataSource ds, Path dataDir) { // synchronized: a JVM may hold a file lock once
        try (java.nio.channels.FileChannel lockFile = java.nio.channels.FileChannel.open(dataDir.resolve(FILE_NAME + ".migrate-lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock ignored = lockFile.lock()) {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration/sqlite")
                    .loggers("slf4j")
                    .load()
                    .migrate();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dataDir + " for the schema migration", e);
        }
    }

    public static SqliteStore open(Path dataDir, Clock clock) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir, e);
        }
        SQLiteDataSource ds = dataSource(dataDir.resolve(FILE_NAME));
        migrate(ds, dataDir);
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(ds);
        pool.setMaximumPoolSize(4);
        pool.setPoolName("linegate-store-readers");
        HikariDataSource readers = new HikariDataSource(pool);
        try {
            Connection writes = ds.getConnection();
            try (java.sql.Statement st = writes.createStatement()) {
                // Checkpoints copy the WAL into the database file and fsync it: tens of milliseconds that
                // would stall every acknowledgement in the group. The checkpointer thread does them instead.
                st.execute("PRAGMA wal_autocheckpoint=0");
            }
            return new SqliteStore(readers, new GroupCommitWriter(writes, "linegate-store-writer"), clock);
        } catch (SQLException e) {
            readers.close();
            throw new StoreException("cannot open the writer connection", e);
        }
    }

    private static SQLiteDataSource dataSource(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: in WAL mode the log is synced at every commit, so an acknowledged webhook survives
        // power loss, not only a crash of the process.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(10_000);
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        return ds;
    }

    // ---- event journal -------------------------------------------------------------------------

    @Override
    public CompletableFuture<Void> append(byte[] body, Instant receivedAt) {
        // The hot path: one statement on the writer thread, nothing more.
        return writer.submit(tx -> {
            PreparedStatement ps = tx.prepare("INSERT INTO inbox (received_at, body) VALUES (?, ?)");
            ps.setLong(1, receivedAt.toEpochMilli());
            ps.setBytes(2, body);
            ps.executeUpdate();
            return null;
        });
    }

    @Override
    public List<InboxEntry> inbox(long afterSeq, int limit) {
        return query("SELECT seq, received_at, body FROM inbox WHERE seq > ? ORDER BY seq LIMIT ?",
                ps -> {
                    ps.setLong(1, afterSeq);
                    ps.setInt(2, limit);
                },
                rs -> new InboxEntry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getBytes(3)));
    }

    @Override
    public CompletableFuture<SplitResult> split(List<Long> consumedInboxSeqs, List<NewEvent> events,
                                                List<NewEvent> unparseable) {
        long now = clock.millis();
        return writer.submit(tx -> {
            int accepted = 0;
            int duplicates = 0;
            PreparedStatement seen = tx.prepare("INSERT OR IGNORE INTO seen_events (event_id, seen_at) VALUES (?, ?)");
            PreparedStatement insert = tx.prepare(
                    "INSERT INTO events (event_id, lane, destination, payload, received_at) VALUES (?, ?, ?, ?, ?)");
            for (NewEvent e : events) {
                seen.setString(1, e.eventId());
                seen.setLong(2, now);
                if (seen.executeUpdate() == 0) {
                    duplicates++;
                    continue;
                }
                insert.setString(1, e.eventId());
                insert.setString(2, e.lane());
                insert.setString(3, e.destination());
                insert.setString(4, e.payload());
                insert.setLong(5, e.receivedAt().toEpochMilli());
                insert.executeUpdate();
                accepted++;
            }
            for (NewEvent e : unparseable) {
                insertDeadLetter(tx, e.eventId(), e.lane(), e.destination(), e.payload(),
                        e.receivedAt().toEpochMilli(), 0, "the webhook body is not a valid webhook document", now);
            }
            PreparedStatement delete = tx.prepare("DELETE FROM inbox WHERE seq = ?");
            for (long seq : consumedInboxSeqs) {
                delete.setLong(1, seq);
                delete.executeUpdate();
            }
            return new SplitResult(accepted, duplicates, unparseable.size());
        });
    }

    @Override
    public List<StoredEvent> pending(long afterSeq, int limit) {
        return query("SELECT seq, event_id, lane, destination, payload, received_at, attempts FROM events"
                        + " WHERE seq > ? ORDER BY seq LIMIT ?",
                ps -> {
                    ps.setLong(1, afterSeq);
                    ps.setInt(2, limit);
                },
                rs -> new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), rs.getInt(7)));
    }

    @Override
    public long pendingCount() {
        return query("SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM inbox)", ps -> {},
                rs -> rs.getLong(1)).get(0);
    }

    @Override
    public CompletableFuture<Void> complete(long seq, String lane, Map<String, String> stateChanges) {
        long now = clock.millis();
        return writer.submit(tx -> {
            PreparedStatement delete = tx.prepare("DELETE FROM events WHERE seq = ?");
            delete.setLong(1, seq);
            delete.executeUpdate();
            if (!stateChanges.isEmpty()) {
                PreparedStatement put = tx.prepare("INSERT INTO conversation_state (lane, key, value, updated_at)"
                        + " VALUES (?, ?, ?, ?) ON CONFLICT (lane, key) DO UPDATE SET value = excluded.value,"
                        + " updated_at = excluded.updated_at");
                PreparedStatement remove = tx.prepare("DELETE FROM conversation_state WHERE lane = ? AND key = ?");
                for (Map.Entry<String, String> change : stateChanges.entrySet()) {
                    if (change.getValue() == null) {
                        remove.setString(1, lane);
                        remove.setString(2, change.getKey());
                        remove.executeUpdate();
                    } else {
                        put.setString(1, lane);
                        put.setString(2, change.getKey());
                        put.setString(3, change.getValue());
                        put.setLong(4, now);
                        put.executeUpdate();
                    }
                }
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> recordFailure(long seq, int attempts, String error) {
        return update("UPDATE events SET attempts = ?, last_error = ? WHERE seq = ?", ps -> {
            ps.setInt(1, attempts);
            ps.setString(2, error);
            ps.setLong(3, seq);
        }).thenApply(n -> null);
    }

    @Override
    public CompletableFuture<Void> deadLetter(long seq, int attempts, String error) {
        long now = clock.millis();
        return writer.submit(tx -> {
            PreparedStatement move = tx.prepare("INSERT INTO dead_letters (event_id, lane, destination, payload,"
                    + " received_at, attempts, error, failed_at) SELECT event_id, lane, destination, payload,"
                    + " received_at, ?, ?, ? FROM events WHERE seq = ?");
            move.setInt(1, attempts);
            move.setString(2, error);
            move.setLong(3, now);
            move.setLong(4, seq);
            move.executeUpdate();
            PreparedStatement delete = tx.prepare("DELETE FROM events WHERE seq = ?");
            delete.setLong(1, seq);
            delete.executeUpdate();
            return null;
        });
    }

    private static void insertDeadLetter(GroupCommitWriter.Tx tx, String eventId, String lane, String destination,
                                         String payload, long receivedAt, int attempts, String error, long now)
            throws SQLException {
        PreparedStatement ps = tx.prepare("INSERT INTO dead_letters (event_id, lane, destination, payload,"
                + " received_at, attempts, error, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        ps.setString(1, eventId);
        ps.setString(2, lane);
        ps.setString(3, destination);
        ps.setString(4, payload);
        ps.setLong(5, receivedAt);
        ps.setInt(6, attempts);
        ps.setString(7, error);
        ps.setLong(8, now);
        ps.executeUpdate();
    }

    @Override
    public List<DeadLetter> deadLetters(int limit) {
        return query("SELECT id, event_id, lane, payload, attempts, error, failed_at, replayed_at FROM dead_letters"
                        + " ORDER BY id DESC LIMIT ?",
                ps -> ps.setInt(1, limit),
                rs -> {
                    long replayed = rs.getLong(8);
                    Instant replayedAt = rs.wasNull() ? null : Instant.ofEpochMilli(replayed); // before any other getter
                    return new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getInt(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), replayedAt);
                });
    }

    @Override
    public CompletableFuture<Optional<Long>> replay(long deadLetterId) {
        long now = clock.millis();
        return writer.submit(tx -> {
            PreparedStatement copy = tx.prepare("INSERT INTO events (event_id, lane, destination, payload, received_at)"
                    + " SELECT event_id, lane, destination, payload, received_at FROM dead_letters"
                    + " WHERE id = ? AND replayed_at IS NULL");
            copy.setLong(1, deadLetterId);
            if (copy.executeUpdate() == 0) {
                return Optional.<Long>empty();
            }
            long seq = lastRowId(tx);
            PreparedStatement mark = tx.prepare("UPDATE dead_letters SET replayed_at = ? WHERE id = ?");
            mark.setLong(1, now);
            mark.setLong(2, deadLetterId);
            mark.executeUpdate();
            return Optional.of(seq);
        });
    }

    @Override
    public CompletableFuture<Integer> forgetSeenBefore(Instant before) {
        return update("DELETE FROM seen_events WHERE seen_at < ?", ps -> ps.setLong(1, before.toEpochMilli()));
    }

    @Override
    public Map<String, String> state(String lane) {
        Map<String, String> out = new HashMap<>();
        query("SELECT key, value FROM conversation_state WHERE lane = ?", ps -> ps.setString(1, lane),
                rs -> out.put(rs.getString(1), rs.getString(2)));
        return out;
    }

    // ---- operator controls ---------------------------------------------------------------------

    @Override
    public Set<String> controls(String kind) {
        return new HashSet<>(query("SELECT subject FROM operator_controls WHERE kind = ?",
                ps -> ps.setString(1, kind), rs -> rs.getString(1)));
    }

    @Override
    public void setControl(String kind, String subject, boolean on) {
        long now = clock.millis();
        update(on ? "INSERT OR REPLACE INTO operator_controls (kind, subject, updated_at) VALUES (?, ?, ?)"
                : "DELETE FROM operator_controls WHERE kind = ? AND subject = ?", ps -> {
            ps.setString(1, kind);
            ps.setString(2, subject);
            if (on) {
                ps.setLong(3, now);
            }
        }).join();
    }

    // ---- API request log -----------------------------------------------------------------------

    @Override
    public CompletableFuture<Void> record(ApiCall c) {
        return writer.submit(tx -> {
            PreparedStatement ps = tx.prepare("INSERT INTO api_requests (at, method, endpoint, status, latency_ms,"
                    + " request_id, accepted_request_id, retry_key, attempt, error, request_body)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            ps.setLong(1, c.at().toEpochMilli());
            ps.setString(2, c.method());
            ps.setString(3, c.endpoint());
            ps.setInt(4, c.status());
            ps.setLong(5, c.latencyMs());
            ps.setString(6, c.requestId());
            ps.setString(7, c.acceptedRequestId());
            ps.setString(8, c.retryKey());
            ps.setInt(9, c.attempt());
            ps.setString(10, c.error());
            ps.setString(11, c.requestBody());
            ps.executeUpdate();
            return null;
        });
    }

    @Override
    public List<ApiCall> query(Instant since, int statusFrom, int statusTo, String requestId, int limit) {
        return query("SELECT at, method, endpoint, status, latency_ms, request_id, accepted_request_id, retry_key,"
                        + " attempt, error, request_body FROM api_requests WHERE at >= ? AND status BETWEEN ? AND ?"
                        + " AND (? IS NULL OR request_id = ? OR accepted_request_id = ?) ORDER BY id DESC LIMIT ?",
                ps -> {
                    ps.setLong(1, since.toEpochMilli());
                    ps.setInt(2, statusFrom);
                    ps.setInt(3, statusTo);
                    ps.setString(4, requestId);
                    ps.setString(5, requestId);
                    ps.setString(6, requestId);
                    ps.setInt(7, limit);
                },
                rs -> new ApiCall(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3), rs.getInt(4),
                        rs.getLong(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9),
                        rs.getString(10), rs.getString(11)));
    }

    @Override
    public CompletableFuture<Integer> pruneApiRequests(Instant before) {
        return update("DELETE FROM api_requests WHERE at < ?", ps -> ps.setLong(1, before.toEpochMilli()));
    }

    // ---- channel tokens and leases --------------------------------------------------------------

    private static final String TOKEN_COLUMNS =
            "id, channel_id, kind, token, key_id, issued_at, expires_at, superseded_at";

    private static StoredToken token(ResultSet rs) throws SQLException {
        long superseded = rs.getLong(8);
        Instant supersededAt = rs.wasNull() ? null : Instant.ofEpochMilli(superseded);
        return new StoredToken(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)), supersededAt);
    }

    @Override
    public Optional<StoredToken> newest(String channelId, String kind, Instant at) {
        return query("SELECT " + TOKEN_COLUMNS + " FROM channel_tokens WHERE channel_id = ? AND kind = ?"
                        + " AND revoked_at IS NULL AND expires_at > ? ORDER BY id DESC LIMIT 1",
                ps -> {
                    ps.setString(1, channelId);
                    ps.setString(2, kind);
                    ps.setLong(3, at.toEpochMilli());
                }, SqliteStore::token).stream().findFirst();
    }

    @Override
    public StoredToken saveIssued(String channelId, String kind, String token, String keyId, Instant issuedAt,
                                  Instant expiresAt) {
        return writer.submit(tx -> {
            PreparedStatement supersede = tx.prepare("UPDATE channel_tokens SET superseded_at = ? WHERE channel_id = ?"
                    + " AND kind = ? AND superseded_at IS NULL");
            supersede.setLong(1, issuedAt.toEpochMilli());
            supersede.setString(2, channelId);
            supersede.setString(3, kind);
            supersede.executeUpdate();
            PreparedStatement insert = tx.prepare("INSERT INTO channel_tokens (channel_id, kind, token, key_id,"
                    + " issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)");
            insert.setString(1, channelId);
            insert.setString(2, kind);
            insert.setString(3, token);
            insert.setString(4, keyId);
            insert.setLong(5, issuedAt.toEpochMilli());
            insert.setLong(6, expiresAt.toEpochMilli());
            insert.executeUpdate();
            return new StoredToken(lastRowId(tx), channelId, kind, token, keyId, issuedAt, expiresAt, null);
        }).join();
    }

    @Override
    public List<StoredToken> toRevoke(String channelId, String kind, Instant before) {
        return query("SELECT " + TOKEN_COLUMNS + " FROM channel_tokens WHERE channel_id = ? AND kind = ?"
                        + " AND revoked_at IS NULL AND (superseded_at < ? OR expires_at <= ?) ORDER BY id",
                ps -> {
                    ps.setString(1, channelId);
                    ps.setString(2, kind);
                    ps.setLong(3, before.toEpochMilli());
                    ps.setLong(4, before.toEpochMilli());
                }, SqliteStore::token);
    }

    @Override
    public List<StoredToken> live(String channelId, String kind, Instant at) {
        return query("SELECT " + TOKEN_COLUMNS + " FROM channel_tokens WHERE channel_id = ? AND kind = ?"
                        + " AND revoked_at IS NULL AND expires_at > ? ORDER BY id",
                ps -> {
                    ps.setString(1, channelId);
                    ps.setString(2, kind);
                    ps.setLong(3, at.toEpochMilli());
                }, SqliteStore::token);
    }

    @Override
    public void markRevoked(long id, Instant at) {
        update("UPDATE channel_tokens SET revoked_at = ? WHERE id = ?", ps -> {
            ps.setLong(1, at.toEpochMilli());
            ps.setLong(2, id);
        }).join();
    }

    @Override
    public boolean tryLease(String name, String holder, Instant now, java.time.Duration ttl) {
        // Take a free or expired lease, or renew our own, in one statement.
        return update("INSERT INTO leases (name, holder, until) VALUES (?, ?, ?)"
                + " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until"
                + " WHERE leases.until <= ? OR leases.holder = excluded.holder", ps -> {
            ps.setString(1, name);
            ps.setString(2, holder);
            ps.setLong(3, now.plus(ttl).toEpochMilli());
            ps.setLong(4, now.toEpochMilli());
        }).join() == 1;
    }

    @Override
    public void releaseLease(String name, String holder) {
        update("DELETE FROM leases WHERE name = ? AND holder = ?", ps -> {
            ps.setString(1, name);
            ps.setString(2, holder);
        }).join();
    }

    // ---- campaigns ---------------------------------------------------------------------------

    @Override
    public long createCampaign(String name, String mode, Long audienceGroupId, String messagesJson,
                               double recipientsPerSecond, Instant startsAt, List<NewBatch> batches, Instant now) {
        return writer.submit(tx -> {
            PreparedStatement c = tx.prepare("INSERT INTO campaigns (name, messages, recipients_per_sec, starts_at,"
                    + " state, created_at, mode, audience_group_id) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)");
            c.setString(1, name);
            c.setString(2, messagesJson);
            c.setDouble(3, recipientsPerSecond);
            c.setLong(4, startsAt.toEpochMilli());
            c.setLong(5, now.toEpochMilli());
            c.setString(6, mode);
            if (audienceGroupId == null) {
                c.setNull(7, java.sql.Types.INTEGER);
            } else {
                c.setLong(7, audienceGroupId);
            }
            c.executeUpdate();
            long id = lastRowId(tx);
            PreparedStatement b = tx.prepare("INSERT INTO campaign_batches (campaign_id, batch_no, recipients, size,"
                    + " retry_key, state) VALUES (?, ?, ?, ?, ?, 'pending')");
            int no = 0;
            for (NewBatch batch : batches) {
                b.setLong(1, id);
                b.setInt(2, no++);
                b.setString(3, String.join("\n", batch.recipients()));
                b.setInt(4, batch.recipients().size());
                b.setString(5, batch.retryKey());
                b.executeUpdate();
            }
            return id;
        }).join();
    }

    static final String CAMPAIGN_QUERY = "SELECT c.id, c.name, c.messages, c.recipients_per_sec, c.starts_at,"
            + " c.state, c.detail, count(b.batch_no), coalesce(sum(b.state = 'sent'), 0), coalesce(sum(b.state = 'failed'), 0),"
            + " coalesce(sum(b.size), 0), coalesce(sum(CASE WHEN b.state = 'sent' THEN b.size ELSE 0 END), 0),"
            + " c.mode, c.audience_group_id FROM campaigns c"
            // INDEXED BY: without statistics SQLite walks the primary key, reading every batch's recipients.
            + " LEFT JOIN campaign_batches b INDEXED BY campaign_batches_by_state ON b.campaign_id = c.id";

    private static Campaign campaign(ResultSet rs) throws SQLException {
        return new Campaign(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getDouble(4),
                Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6), rs.getString(7), rs.getInt(8), rs.getInt(9),
                rs.getInt(10), rs.getLong(11), rs.getLong(12), rs.getString(13), audience(rs));
    }

    private static Long audience(ResultSet rs) throws SQLException {
        long v = rs.getLong(14);
        return rs.wasNull() ? null : v;
    }

    @Override
    public Optional<String> acceptedRequestId(long campaignId, int batchNo) {
        return query("SELECT coalesce(accepted_request_id, request_id) FROM campaign_batches WHERE campaign_id = ?"
                        + " AND batch_no = ? AND state = 'sent'",
                ps -> {
                    ps.setLong(1, campaignId);
                    ps.setInt(2, batchNo);
                }, rs -> rs.getString(1)).stream().filter(java.util.Objects::nonNull).findFirst();
    }

    @Override
    public List<Campaign> campaigns() {
        return query(CAMPAIGN_QUERY + " GROUP BY c.id ORDER BY c.id", ps -> {}, SqliteStore::campaign);
    }

    @Override
    public Optional<Campaign> campaign(long id) {
        return query(CAMPAIGN_QUERY + " WHERE c.id = ? GROUP BY c.id", ps -> ps.setLong(1, id), SqliteStore::campaign)
                .stream().findFirst();
    }

    static final String NEXT_PENDING_BATCH = "SELECT campaign_id, batch_no, recipients, retry_key"
            + " FROM campaign_batches INDEXED BY campaign_batches_by_state WHERE campaign_id = ? AND state = 'pending' ORDER BY batch_no LIMIT 1";

    @Override
    public Optional<Batch> nextPendingBatch(long campaignId) {
        return query(NEXT_PENDING_BATCH,
                ps -> ps.setLong(1, campaignId),
                rs -> new Batch(rs.getLong(1), rs.getInt(2),
                        rs.getString(3).isEmpty() ? List.of() : List.of(rs.getString(3).split("\n")), rs.getString(4)))
                .stream().findFirst();
    }

    @Override
    public void markBatchSent(long campaignId, int batchNo, String requestId, String acceptedRequestId, Instant at) {
        update("UPDATE campaign_batches SET state = 'sent', request_id = ?, accepted_request_id = ?, sent_at = ?,"
                + " error = NULL WHERE campaign_id = ? AND batch_no = ?", ps -> {
            ps.setString(1, requestId);
            ps.setString(2, acceptedRequestId);
            ps.setLong(3, at.toEpochMilli());
            ps.setLong(4, campaignId);
            ps.setInt(5, batchNo);
        }).join();
    }

    @Override
    public void markBatchFailed(long campaignId, int batchNo, String error, Instant at) {
        update("UPDATE campaign_batches SET state = 'failed', error = ?, sent_at = ? WHERE campaign_id = ? AND batch_no = ?",
                ps -> {
                    ps.setString(1, error);
                    ps.setLong(2, at.toEpochMilli());
                    ps.setLong(3, campaignId);
                    ps.setInt(4, batchNo);
                }).join();
    }

    @Override
    public boolean setCampaignState(long id, String state, String detail, List<String> expected) {
        return writer.submit(tx -> {
            String only = expected.isEmpty() ? "" : " AND state IN (" + String.join(",", java.util.Collections.nCopies(expected.size(), "?")) + ")";
            PreparedStatement ps = tx.prepare("UPDATE campaigns SET state = ?, detail = ? WHERE id = ?" + only);
            ps.setString(1, state);
            ps.setString(2, detail);
            ps.setLong(3, id);
            for (int i = 0; i < expected.size(); i++) {
                ps.setString(4 + i, expected.get(i));
            }
            return ps.executeUpdate() == 1;
        }).join();
    }

    // ---- shared rate-limit buckets ---------------------------------------------------------------

    @Override
    public int take(String endpoint, double capacity, double perSecond, int wanted, Instant now) {
        return writer.submit(tx -> {
            PreparedStatement read = tx.prepare("SELECT tokens, updated_at FROM rate_buckets WHERE endpoint = ?");
            read.setString(1, endpoint);
            double tokens = capacity;
            try (ResultSet rs = read.executeQuery()) {
                if (rs.next()) {
                    long elapsed = Math.max(0, now.toEpochMilli() - rs.getLong(2));
                    tokens = Math.min(capacity, rs.getDouble(1) + elapsed * perSecond / 1000.0);
                }
            }
            int taken = (int) Math.min(wanted, Math.floor(tokens));
            PreparedStatement write = tx.prepare("INSERT OR REPLACE INTO rate_buckets (endpoint, tokens, updated_at)"
                    + " VALUES (?, ?, ?)");
            write.setString(1, endpoint);
            write.setDouble(2, tokens - taken);
            write.setLong(3, now.toEpochMilli());
            write.executeUpdate();
            return taken;
        }).join();
    }

    // ---- pending logins ------------------------------------------------------------------------

    @Override
    public void savePendingLogin(PendingLogin l) {
        update("INSERT INTO login_sessions (id, state, nonce, code_verifier, redirect_uri, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, l.sessionId());
            ps.setString(2, l.state());
            ps.setString(3, l.nonce());
            ps.setString(4, l.codeVerifier());
            ps.setString(5, l.redirectUri());
            ps.setLong(6, l.createdAt().toEpochMilli());
        }).join();
    }

    @Override
    public Use usePendingLogin(String sessionId, String state, Instant notBefore, Instant now) {
        return writer.submit(tx -> {
            PreparedStatement read = tx.prepare("SELECT state, nonce, code_verifier, redirect_uri, created_at, used_at"
                    + " FROM login_sessions WHERE id = ?");
            read.setString(1, sessionId);
            PendingLogin login;
            boolean used;
            String expected;
            try (ResultSet rs = read.executeQuery()) {
                if (!rs.next()) {
                    return new Use(null, Use.Refusal.NO_SUCH_LOGIN);
                }
                expected = rs.getString(1);
                login = new PendingLogin(sessionId, expected, rs.getString(2), rs.getString(3), rs.getString(4),
                        Instant.ofEpochMilli(rs.getLong(5)));
                rs.getLong(6);
                used = !rs.wasNull();
            }
            // Constant-time: the state is a secret shared with the browser.
            if (state == null || !java.security.MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    state.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                return new Use(null, Use.Refusal.STATE_MISMATCH);
            }
            if (used) {
                return new Use(null, Use.Refusal.ALREADY_USED);
            }
            PreparedStatement mark = tx.prepare("UPDATE login_sessions SET used_at = ? WHERE id = ?");
            mark.setLong(1, now.toEpochMilli());
            mark.setString(2, sessionId);
            mark.executeUpdate();
            return login.createdAt().isBefore(notBefore) ? new Use(null, Use.Refusal.EXPIRED) : new Use(login, null);
        }).join();
    }

    @Override
    public void forgetPendingLogins(Instant before) {
        update("DELETE FROM login_sessions WHERE created_at < ?", ps -> ps.setLong(1, before.toEpochMilli())).join();
    }

    // ---- ID links ------------------------------------------------------------------------------

    @Override
    public void saveLinkNonce(String nonce, String memberId, Instant at) {
        update("INSERT INTO link_nonces (nonce, member_id, created_at) VALUES (?, ?, ?)", ps -> {
            ps.setString(1, nonce);
            ps.setString(2, memberId);
            ps.setLong(3, at.toEpochMilli());
        }).join();
    }

    @Override
    public Optional<String> useLinkNonce(String nonce, Instant notBefore, Instant now) {
        return writer.submit(tx -> {
            PreparedStatement use = tx.prepare("UPDATE link_nonces SET used_at = ? WHERE nonce = ? AND used_at IS NULL"
                    + " AND created_at >= ?");
            use.setLong(1, now.toEpochMilli());
            use.setString(2, nonce);
            use.setLong(3, notBefore.toEpochMilli());
            if (use.executeUpdate() == 0) {
                return Optional.<String>empty();
            }
            PreparedStatement read = tx.prepare("SELECT member_id FROM link_nonces WHERE nonce = ?");
            read.setString(1, nonce);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
        }).join();
    }

    @Override
    public void link(String lineUserId, String memberId, String via, Instant at) {
        writer.submit(tx -> {
            PreparedStatement drop = tx.prepare("DELETE FROM account_links WHERE line_user_id = ? OR member_id = ?");
            drop.setString(1, lineUserId);
            drop.setString(2, memberId);
            drop.executeUpdate();
            PreparedStatement ins = tx.prepare("INSERT INTO account_links (line_user_id, member_id, via, linked_at)"
                    + " VALUES (?, ?, ?, ?)");
            ins.setString(1, lineUserId);
            ins.setString(2, memberId);
            ins.setString(3, via);
            ins.setLong(4, at.toEpochMilli());
            ins.executeUpdate();
            insertAudit(tx, "linked", lineUserId, memberId, "via " + via, at);
            return null;
        }).join();
    }

    @Override
    public boolean unlink(String lineUserId, String memberId, String requestedBy, Instant at) {
        return writer.submit(tx -> {
            PreparedStatement find = tx.prepare("SELECT line_user_id, member_id FROM account_links WHERE line_user_id = ?"
                    + " OR member_id = ?");
            find.setString(1, lineUserId);
            find.setString(2, memberId);
            String user;
            String member;
            try (ResultSet rs = find.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                user = rs.getString(1);
                member = rs.getString(2);
            }
            PreparedStatement del = tx.prepare("DELETE FROM account_links WHERE line_user_id = ?");
            del.setString(1, user);
            del.executeUpdate();
            insertAudit(tx, "unlinked", user, member, "requested by " + requestedBy, at);
            return true;
        }).join();
    }

    private static final String LINK_COLUMNS = "line_user_id, member_id, via, linked_at";

    private static Link linkRow(ResultSet rs) throws SQLException {
        return new Link(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)));
    }

    @Override
    public Optional<Link> linkOfUser(String lineUserId) {
        return query("SELECT " + LINK_COLUMNS + " FROM account_links WHERE line_user_id = ?",
                ps -> ps.setString(1, lineUserId), SqliteStore::linkRow).stream().findFirst();
    }

    @Override
    public Optional<Link> linkOfMember(String memberId) {
        return query("SELECT " + LINK_COLUMNS + " FROM account_links WHERE member_id = ?",
                ps -> ps.setString(1, memberId), SqliteStore::linkRow).stream().findFirst();
    }

    @Override
    public List<Link> links() {
        return query("SELECT " + LINK_COLUMNS + " FROM account_links ORDER BY linked_at", ps -> {}, SqliteStore::linkRow);
    }

    @Override
    public void audit(String action, String lineUserId, String memberId, String detail, Instant at) {
        writer.submit(tx -> {
            insertAudit(tx, action, lineUserId, memberId, detail, at);
            return null;
        }).join();
    }

    private static void insertAudit(GroupCommitWriter.Tx tx, String action, String lineUserId, String memberId,
                                    String detail, Instant at) throws SQLException {
        PreparedStatement ps = tx.prepare("INSERT INTO link_audit (at, action, line_user_id, member_id, detail)"
                + " VALUES (?, ?, ?, ?, ?)");
        ps.setLong(1, at.toEpochMilli());
        ps.setString(2, action);
        ps.setString(3, lineUserId);
        ps.setString(4, memberId);
        ps.setString(5, detail);
        ps.executeUpdate();
    }

    @Override
    public List<AuditEntry> auditTrail(int limit) {
        return query("SELECT at, action, line_user_id, member_id, detail FROM link_audit ORDER BY id DESC LIMIT ?",
                ps -> ps.setInt(1, limit), rs -> new AuditEntry(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2),
                        rs.getString(3), rs.getString(4), rs.getString(5)));
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private static long lastRowId(GroupCommitWriter.Tx tx) throws SQLException {
        try (ResultSet rs = tx.prepare("SELECT last_insert_rowid()").executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** One statement on the writer; completes with the number of rows it changed, once durable. */
    private CompletableFuture<Integer> update(String sql, Binder binder) {
        return writer.submit(tx -> {
            PreparedStatement ps = tx.prepare(sql);
            binder.bind(ps);
            return ps.executeUpdate();
        });
    }

    private <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
        try (Connection c = readers.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException("query failed: " + sql, e);
        }
    }

    @Override
    public void close() {
        checkpointer.shutdownNow();
        writer.close();
        checkpoint();
        readers.close();
    }

}
