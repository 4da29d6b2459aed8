package io.linegate.cli;

import io.linegate.messaging.token.TokenManager;
import io.linegate.runtime.LinegateRuntime;
import io.linegate.runtime.RuntimeConfig;
import io.linegate.store.Store;
import io.linegate.store.TokenStore.StoredToken;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code linegate tokens}: the channel access tokens linegate manages, for operators. */
@Command(name = "tokens", mixinStandardHelpOptions = true,
        description = "Managed channel access tokens: status, issue, and revoke superseded ones.",
        subcommands = {TokensCommand.Status.class, TokensCommand.Issue.class, TokensCommand.Revoke.class})
final class TokensCommand {
    @ParentCommand
    Linegate linegate;

    /** What every tokens subcommand needs to reach the channel's managed tokens. */
    abstract static class Base implements Callable<Integer> {
        @ParentCommand
        TokensCommand tokens;

        @Mixin
        DataDir dataDir;

        @Option(names = "--config", description = "YAML file with channel settings (environment variables win).")
        Path config;

        @Option(names = "--token-type", defaultValue = "stateless", description = "short-lived, stateless or v2.1 (default: ${DEFAULT-VALUE}).")
        String type;

        @Option(names = "--token-lifetime", defaultValue = "P30D", description = "Lifetime of v2.1 tokens (default: ${DEFAULT-VALUE}).")
        Duration lifetime;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ChannelSettings settings = ChannelSettings.load(config, tokens.linegate.env);
            settings.printWarnings(spec);
            if ("long-lived".equals(type)) {
                throw new IllegalArgumentException("linegate manages the tokens it issues: short-lived, stateless or v2.1;"
                        + " a long-lived token is issued and revoked on the LINE Developers Console");
            }
            RuntimeConfig config = settings.runtime(dataDir.location(), null, type, lifetime).build();
            try (Store store = dataDir.open(); LinegateRuntime runtime = LinegateRuntime.open(config, store)) {
                return run(runtime.tokens().orElseThrow());
            }
        }

        abstract int run(TokenManager manager) throws Exception;
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Valid tokens (never their values).")
    static final class Status extends Base {
        @Override
        int run(TokenManager manager) {
            List<StoredToken> live = manager.live();
            if (live.isEmpty()) {
                System.out.println("no valid " + type + " tokens in " + dataDir);
            }
            for (StoredToken t : live) {
                System.out.printf("id=%d kind=%s key-id=%s issued=%s expires=%s%s%n", t.id(), t.kind(), t.keyId(),
                        t.issuedAt(), t.expiresAt(), t.supersededAt() == null ? " (current)" : " (superseded " + t.supersededAt() + ")");
            }
            return 0;
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Make sure a current token exists, issuing one if none is fresh.")
    static final class Issue extends Base {
        @Override
        int run(TokenManager manager) throws Exception {
            manager.current();
            System.out.println("a current " + type + " token is in " + dataDir + " (see 'linegate tokens status')");
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke superseded tokens whose grace period is over.")
    static final class Revoke extends Base {
        @Override
        int run(TokenManager manager) {
            int before = manager.live().size();
            manager.maintain();
            System.out.println("revoked " + (before - manager.live().size()) + " superseded " + type + " token(s)");
            return 0;
        }
    }
}
