package io.linegate.cli;

import java.util.Map;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code linegate} command. */
@Command(name = "linegate", mixinStandardHelpOptions = true, version = "linegate 0.1.0",
        description = "A guideline-compliant runtime for LINE bots, and a local LINE Platform emulator.",
        subcommands = {ServeCommand.class, DemoCommand.class, EmulatorCommand.class, EventsCommand.class,
                AdminCommand.class, LogsCommand.class, TokensCommand.class, CampaignCommand.class,
                LinksCommand.class, ClusterCommand.class, PreflightCommand.class})
public final class Linegate implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The process environment; tests pass their own, since a JVM cannot change its own. */
    final Map<String, String> env;

    Linegate(Map<String, String> env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }

    static CommandLine commandLine(Map<String, String> env) {
        return new CommandLine(new Linegate(env))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionStrategy(parsed -> {
                    // Before any command runs: a misspelled variable is said, not silently ignored.
                    CommandLine last = parsed.asCommandLineList().get(parsed.asCommandLineList().size() - 1);
                    for (String warning : EnvironmentVariables.warnings(env)) {
                        last.getErr().println(last.getCommandSpec().qualifiedName() + ": warning: " + warning);
                    }
                    last.getErr().flush();
                    return new CommandLine.RunLast().execute(parsed);
                })
                .setExecutionExceptionHandler(Linegate::report);
    }

    /** Bad input ends with its message and exit code 2, never a stack trace. */
    private static int report(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        Throwable shown = e;
        while (shown.getCause() != null && (shown.getMessage() == null || shown instanceof CompletionException)) {
            shown = shown.getCause();
        }
        // Named by the command's whole path ("linegate events dead: ..."), as every message of the command line is.
        cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + shown.getMessage());
        if (System.getenv("LINEGATE_DEBUG") != null) {
            e.printStackTrace(cmd.getErr());
        }
        return 2;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
