package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LinksCommandTest {
    static final String OLD_USER = "U00000000000000000000000000000001";
    static final String NEW_USER = "U00000000000000000000000000000002";

    @TempDir
    Path dir;

    @Test
    void listsOldLinksForReviewAndUnlinksWithAnAuditTrail() {
        try (Store store = Store.sqlite(dir)) {
            store.links().link(OLD_USER, "alice", "line-login", false, Instant.now().minus(Duration.ofDays(100)));
            store.links().link(NEW_USER, "bob", "account-link", false, Instant.now());
        }
        assertThat(LogsCommandTest.run("links", "list", "--data-dir", dir.toString(), "--linked-before", "90d"))
                .contains("line-user=" + OLD_USER + " member=alice via=line-login").doesNotContain("bob").contains("1 link(s)");
        assertThat(LogsCommandTest.run("links", "unlink", "--data-dir", dir.toString(), "--member", "alice")).contains("unlinked");
        assertThat(LogsCommandTest.run("links", "list", "--data-dir", dir.toString())).doesNotContain("alice").contains("bob");
        assertThat(LogsCommandTest.run("links", "audit", "--data-dir", dir.toString()))
                .contains("member=alice").contains("operator");
        assertThat(Cli.run(Map.of(), "links", "unlink", "--data-dir", dir.toString(), "--member", "alice").exitCode).isEqualTo(1);
    }
}
