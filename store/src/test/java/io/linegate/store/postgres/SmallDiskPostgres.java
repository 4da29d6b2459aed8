package io.linegate.store.postgres;

import io.linegate.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL server whose store lives on a small disk that can be filled and emptied at will: a
 * tmpfs of {@code bytes} mounted at {@code mountPoint} (root only, as CI runs), a tablespace on it that
 * is the store database's default, so that every table and index of the store is written there, and a
 * ballast file that takes the disk's room and gives it back. The server's own catalogs and its WAL stay
 * on the ordinary disk, as a full disk that still lets PostgreSQL log what it does; a full WAL disk is a
 * PANIC and a restart of the server, nothing a client can recover from.
 *
 * <p>It starts a server of its own (zonky's embedded PostgreSQL), since a tablespace must be a directory
 * on the server's machine: {@code LINEGATE_TEST_POSTGRES_URL}'s server may be elsewhere.
 */
public final class SmallDiskPostgres implements AutoCloseable {
    private static final String DATABASE = "linegate_small_disk";

    private final Path mountPoint;
    private final Path ballast;
    private EmbeddedPostgres server;
    private boolean mounted;

    private SmallDiskPostgres(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.ballast = mountPoint.resolve("ballast");
    }

    /**
     * Mounts a tmpfs of {@code bytes} at {@code mountPoint} (an empty directory) and starts a server with a
     * database whose tables go there. A test run by a user who may not mount is aborted (skipped) saying so.
     */
    public static SmallDiskPostgres mount(Path mountPoint, long bytes) throws Exception {
        Assumptions.assumeTrue(isRoot(), "mounting a tmpfs for a full PostgreSQL tablespace needs root (CI runs as root)");
        SmallDiskPostgres disk = new SmallDiskPostgres(mountPoint);
        try {
            run("mount", "-t", "tmpfs", "-o", "size=" + bytes + ",mode=0755", "linegate-small-disk", mountPoint.toString());
            disk.mounted = true;
            disk.server = EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .start();
            Path tablespace = Files.createDirectory(mountPoint.resolve("tablespace"));
            try (Connection c = disk.connect("postgres"); Statement st = c.createStatement()) {
                // The tablespace's directory must belong to the server's user.
                try (ResultSet rs = st.executeQuery("SHOW data_directory")) {
                    rs.next();
                    UserPrincipal owner = Files.getOwner(Path.of(rs.getString(1)));
                    Files.setOwner(tablespace, owner);
                }
                st.execute("CREATE TABLESPACE small_disk LOCATION '" + tablespace + "'");
                st.execute("CREATE DATABASE " + DATABASE);
                st.execute("ALTER DATABASE " + DATABASE + " SET default_tablespace = small_disk");
            }
            return disk;
        } catch (Exception | Error e) {
            disk.close();
            throw e;
        }
    }

    private static boolean isRoot() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return line.split("\\s+")[1].equals("0");
            }
        }
        return false;
    }

    private Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + database, "postgres", "");
    }

    /** The store's location (no password needed). */
    public String location() {
        return "postgresql://127.0.0.1:" + server.getPort() + "/" + DATABASE + "?user=postgres";
    }

    public Store open() {
        return Store.open(location(), Store.Options.defaults());
    }

    /** Fills the disk up to {@code leftBytes} free with the ballast. */
    public void leaveFree(long leftBytes) throws IOException {
        long toWrite = Files.getFileStore(mountPoint).getUsableSpace() - leftBytes;
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(ballast)) {
            for (long written = 0; written < toWrite; written += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, toWrite - written));
            }
        }
    }

    /** Space comes back: the ballast is deleted. */
    public void makeRoom() throws IOException {
        Files.deleteIfExists(ballast);
    }

    public long freeBytes() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    /** Stops the server and unmounts the disk, whatever failed before. */
    @Override
    public void close() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (mounted) {
                run("umount", mountPoint.toString());
            }
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within 30 s");
        }
        if (p.exitValue() != 0) {
            throw new UncheckedIOException(new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + output));
        }
    }
}
