package io.linegate.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.linecorp.bot.jackson.ModelObjectMapper;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.messaging.campaign.Campaigns;
import io.linegate.runtime.LinegateRuntime;
import io.linegate.runtime.RuntimeConfig;
import io.linegate.store.CampaignStore.Campaign;
import io.linegate.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code linegate campaign}: staged delivery to a recipient list. */
@Command(name = "campaign", mixinStandardHelpOptions = true,
        description = "Staged delivery: multicast batches of 500 at a set pace, resumable after a crash.",
        subcommands = {CampaignCommand.Start.class, CampaignCommand.Status.class, CampaignCommand.Pause.class,
                CampaignCommand.Resume.class, CampaignCommand.Cancel.class, CampaignCommand.Run.class})
final class CampaignCommand {
    @ParentCommand
    Linegate linegate;

    abstract static class Base implements Callable<Integer> {
        @ParentCommand
        CampaignCommand parent;

        @Mixin
        DataDir dataDir;

        @Override
        public Integer call() throws Exception {
            try (Store store = dataDir.open()) {
                return run(store);
            }
        }

        abstract int run(Store store) throws Exception;

        /** Campaigns with no sender: enough for everything but running. */
        static Campaigns offline(Store store) {
            return new Campaigns(store.campaigns(), null, Clock.systemUTC());
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Create a campaign; 'linegate campaign run' or a running server sends it.")
    static final class Start extends Base {
        @Option(names = "--name", required = true, description = "A name for operators.")
        String name;

        @Option(names = "--recipients", description = "File with one user id per line (multicast batches of 500).")
        Path recipients;

        @Option(names = "--narrowcast", description = "Send one narrowcast instead: to every friend, or to --audience.")
        boolean narrowcast;

        @Option(names = "--audience", description = "With --narrowcast: the audience group id.")
        Long audience;

        @Option(names = "--text", description = "A text message to send.")
        String text;

        @Option(names = "--messages", description = "File with a JSON array of up to 5 message objects.")
        Path messages;

        @Option(names = "--rate", defaultValue = "500", description = "Recipients per second (default: ${DEFAULT-VALUE}).")
        double rate;

        @Option(names = "--start-at", description = "When to begin (ISO-8601 instant; default: now).")
        Instant startAt;

        @Override
        int run(Store store) throws Exception {
            if ((text == null) == (messages == null)) {
                throw new IllegalArgumentException("give exactly one of --text or --messages");
            }
            List<Message> content = text != null ? List.of(new TextMessage(text))
                    : ModelObjectMapper.createNewObjectMapper().readValue(messages.toFile(), new TypeReference<List<Message>>() {});
            Instant when = startAt != null ? startAt : Instant.now();
            if (narrowcast == (recipients != null)) {
                throw new IllegalArgumentException("give exactly one of --recipients or --narrowcast");
            }
            long id = narrowcast ? offline(store).startNarrowcast(name, content, audience, when)
                    : offline(store).start(name, content,
                            Files.readAllLines(recipients).stream().filter(l -> !l.isBlank()).toList(), rate, when);
            System.out.println("campaign " + id + " created");
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Progress of every campaign, or of one.")
    static final class Status extends Base {
        @Parameters(arity = "0..1", paramLabel = "ID")
        Long id;

        @Override
        int run(Store store) {
            List<Campaign> list = id == null ? store.campaigns().campaigns() : store.campaigns().campaign(id).stream().toList();
            if (list.isEmpty()) {
                System.out.println(id == null ? "no campaigns" : "no campaign " + id);
                return id == null ? 0 : 1;
            }
            for (Campaign c : list) {
                System.out.printf("%d %-20s %-10s %-9s batches %d/%d sent (%d failed), recipients %d/%d, from %s at %.0f/s%s%n",
                        c.id(), c.name(), c.mode(), c.state(), c.sentBatches(), c.batches(), c.failedBatches(), c.sentRecipients(),
                        c.recipients(), c.startsAt(), c.recipientsPerSecond(), c.detail() == null ? "" : " - " + c.detail());
            }
            return 0;
        }
    }

    abstract static class Change extends Base {
        @Parameters(paramLabel = "ID")
        long id;

        @Override
        int run(Store store) {
            boolean changed = change(offline(store));
            System.out.println(changed ? "campaign " + id + " " + verb() : "campaign " + id + " cannot be " + verb() + " now");
            return changed ? 0 : 1;
        }

        abstract boolean change(Campaigns campaigns);

        abstract String verb();
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Stop sending a running campaign.")
    static final class Pause extends Change {
        boolean change(Campaigns c) { return c.pause(id); }
        String verb() { return "paused"; }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Continue a paused campaign.")
    static final class Resume extends Change {
        boolean change(Campaigns c) { return c.resume(id); }
        String verb() { return "resumed"; }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Give up on a campaign; batches already sent stay sent.")
    static final class Cancel extends Change {
        boolean change(Campaigns c) { return c.cancel(id); }
        String verb() { return "cancelled"; }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Send due batches until no running campaign has work left (a server does this by itself).")
    static final class Run extends Base {
        @Option(names = "--config", description = "YAML file with channel settings (environment variables win).")
        Path config;

        @Option(names = "--token-type", description = "long-lived, short-lived, stateless or v2.1 (as for serve).")
        String tokenType;

        @Option(names = "--rate-limit-scale", defaultValue = "1", hidden = true, description = "For load tests against a scaled emulator.")
        double rateLimitScale;

        @Spec
        CommandSpec spec;

        @Override
        int run(Store store) throws Exception {
            ChannelSettings settings = ChannelSettings.load(config, parent.linegate.env);
            settings.printWarnings(spec);
            RuntimeConfig config = settings.runtime(store.location(), null, tokenType, Duration.ofDays(30))
                    .rateLimitScale(rateLimitScale).build();
            if (!config.tokens().sends()) {
                throw new IllegalArgumentException("sending needs LINE_CHANNEL_ACCESS_TOKEN or LINE_CHANNEL_ID");
            }
            try (LinegateRuntime runtime = LinegateRuntime.open(config, store)) {
                runtime.campaigns().orElseThrow().runUntilIdle();
            }
            new Status().run(store);
            return 0;
        }
    }
}
