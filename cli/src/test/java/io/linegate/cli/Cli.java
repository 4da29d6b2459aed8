package io.linegate.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs the command line in-process with a given environment and captures what it prints. */
final class Cli {
    final int exitCode;
    final String err;

    private Cli(int exitCode, String err) {
        this.exitCode = exitCode;
        this.err = err;
    }

    static Cli run(Map<String, String> env, String... args) {
        StringWriter err = new StringWriter();
        int code = Linegate.commandLine(env).setErr(new PrintWriter(err, true)).execute(args);
        return new Cli(code, err.toString());
    }
}
