package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.store.EventJournal.NewEvent;
import io.linegate.store.Store;
import io.linegate.store.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code linegate cluster status} and the operator commands' {@code --store}. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClusterCommandTest {
    @TempDir
    Path dir;

    @Test
    void clusterStatusShowsEachNodeWithItsPartitionsAndBacklog() {
        String location = TestPostgres.server().newDatabase();
        try (Store node = Store.open(location)) {
            String nodeId = node.cluster().nodeId();
            assertThat(node.cluster().heartbeat(Set.of(), Duration.ofMinutes(1)).held()).hasSize(64);
            List<NewEvent> events = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                events.add(new NewEvent("E" + i, "user:U" + i, "Ubot", "{}", Instant.now()));
            }
            node.journal().split(List.of(), events, List.of()).join();

            Cli status = Cli.run(Map.of(), "cluster", "status", "--store", location);
            assertThat(status.exitCode).as(status.err).isZero();
            assertThat(status.out).contains("64 partitions, shared by the nodes below")
                    .containsPattern(Pattern.quote(nodeId) + "\\s+\\S+\\s+64\\s+5\\s+0-63");
        }
    }

    @Test
    void theEmbeddedStoreIsOneProcessesAndAMissingOneIsRefused() {
        Store.sqlite(dir).close();
        Cli status = Cli.run(Map.of(), "cluster", "status", "--data-dir", dir.toString());
        assertThat(status.exitCode).as(status.err).isZero();
        assertThat(status.out).contains("1 partitions, used by one process");

        Cli typo = Cli.run(Map.of(), "cluster", "status", "--data-dir", dir.resolve("typo").toString());
        assertThat(typo.exitCode).isEqualTo(2);
        assertThat(typo.err).contains("no linegate store in " + dir.resolve("typo"));
    }

    @Test
    void anUnreachableStoreIsOneLineWithExitCode2AndNoPassword() {
        Cli cli = Cli.run(Map.of(), "events", "dead", "--store", "postgresql://bot:pw-hunter2@127.0.0.1:1/linegate");
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err.strip().lines()).singleElement().asString()
                .startsWith("linegate events dead: cannot connect to the store postgresql://bot@127.0.0.1:1/linegate")
                .doesNotContain("pw-hunter2");

        Cli both = Cli.run(Map.of(), "events", "dead", "--store", "sqlite:" + dir, "--data-dir", dir.toString());
        assertThat(both.exitCode).isEqualTo(2);
        assertThat(both.err).contains("give either --data-dir or --store, not both");
    }
}
