package io.linegate.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Files that the kernel stops writing and writes again, for real: {@code chattr +i} makes every
 * {@code write(2)} and extension of them fail ({@code EPERM}), also through the descriptors a database
 * already holds; {@code chattr -i} lets writes through again. It stands for a file system that stops
 * taking writes under a running process (a read-only remount, an I/O error), which cannot be staged
 * without a block device to break: SQLite reports it as {@code SQLITE_IOERR_WRITE}, PostgreSQL as
 * {@code insufficient_privilege} ({@code could not extend file ...: Operation not permitted}), as it does
 * {@code EROFS}.
 *
 * <p>Setting the flag needs root (CAP_LINUX_IMMUTABLE; CI runs as root) and a file system that keeps it
 * (ext4, xfs, btrfs, tmpfs); a test run by another user is aborted saying so, and one on a file system
 * without the flag fails saying so.
 */
public final class ImmutableFiles implements AutoCloseable {
    private final List<Path> files;
    private boolean refused;

    private ImmutableFiles(List<Path> files) {
        this.files = List.copyOf(files);
    }

    /** These files, which must exist. */
    public static ImmutableFiles of(List<Path> files) throws IOException {
        Assumptions.assumeTrue(isRoot(), "chattr +i needs root (CI runs as root)");
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalStateException(f + " does not exist");
            }
        }
        return new ImmutableFiles(files);
    }

    /** From now on every write to the files fails. */
    public void refuseWrites() throws Exception {
        refused = true;
        chattr("+i");
    }

    /** Writes go through again. */
    public void allowWrites() throws Exception {
        chattr("-i");
        refused = false;
    }

    /** Lifts the flag whatever failed, or the files could not even be deleted. */
    @Override
    public void close() throws Exception {
        if (refused) {
            allowWrites();
        }
    }

    private void chattr(String flag) throws Exception {
        List<String> command = new ArrayList<>(List.of("chattr", flag));
        files.forEach(f -> command.add(f.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within 30 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + output
                    + " (the file system must keep the immutable flag)");
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
}
