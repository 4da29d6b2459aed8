package io.linegate.cli;

import io.linegate.store.LinkStore.AuditEntry;
import io.linegate.store.LinkStore.Link;
import io.linegate.store.Store;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code linegate links}: review and remove ID links between LINE users and members.
 *
 * <p>Why an operator needs this: when a user removes the channel under Settings > Account >
 * Authorized apps in the LINE app, LINE withdraws the consent but does not tell the site, and the link
 * stays (LINE Login docs, "Secure your login process"). {@code links list --linked-before} finds old links to re-confirm; the audit
 * trail shows who linked and unlinked what, and when.
 */
@Command(name = "links", mixinStandardHelpOptions = true, description = "Review ID links between LINE users and members.",
        subcommands = {LinksCommand.ListLinks.class, LinksCommand.Audit.class, LinksCommand.Unlink.class})
final class LinksCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Links, oldest first: LINE user, member, how, when.")
    static final class ListLinks implements Callable<Integer> {
        @Mixin
        DataDir dataDir;

        @Option(names = "--linked-before", description = "Only links made longer ago than this: 30d, 12h.")
        String linkedBefore;

        @Override
        public Integer call() {
            Instant cutoff = linkedBefore == null ? Instant.MAX : Instant.now().minus(LogsCommand.Api.duration(linkedBefore));
            try (Store store = dataDir.open()) {
                List<Link> links = store.links().links().stream().filter(l -> l.linkedAt().isBefore(cutoff)).toList();
                links.forEach(l -> System.out.printf("%s line-user=%s member=%s via=%s%n", l.linkedAt(), l.lineUserId(),
                        l.memberId(), l.via()));
                System.out.println(links.size() + " link(s)");
                return 0;
            }
        }
    }

    @Command(name = "audit", mixinStandardHelpOptions = true, description = "The audit trail of links, unlinks and refusals, newest first.")
    static final class Audit implements Callable<Integer> {
        @Mixin
        DataDir dataDir;

        @Option(names = "--limit", defaultValue = "100", description = "At most this many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            try (Store store = dataDir.open()) {
                for (AuditEntry e : store.links().auditTrail(limit)) {
                    System.out.printf("%s %-8s line-user=%s member=%s %s%n", e.at(), e.action(), e.lineUserId(),
                            e.memberId(), e.detail() == null ? "" : e.detail());
                }
                return 0;
            }
        }
    }

    @Command(name = "unlink", mixinStandardHelpOptions = true, description = "Remove the link of a member or a LINE user.")
    static final class Unlink implements Callable<Integer> {
        @Mixin
        DataDir dataDir;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Who who;

        static final class Who {
            @Option(names = "--member", description = "The member id.")
            String member;

            @Option(names = "--line-user", description = "The LINE user id.")
            String lineUser;
        }

        @Override
        public Integer call() {
            try (Store store = dataDir.open()) {
                boolean had = store.links().unlink(who.lineUser, who.member, "operator", Instant.now());
                System.out.println(had ? "unlinked" : "no such link");
                return had ? 0 : 1;
            }
        }
    }
}
