package io.linegate.cli.preflight;

/**
 * The checks others depend on. When one does not pass, the checks that need it are not run, and its
 * one line says so, so that an unreachable URL or a refused token is one clear line, not a dozen.
 */
final class Gates {
    /** The bot server accepts TCP connections at the webhook URL's host and port. */
    static final String BOT = "bot.reachable";
    /** LINE (or the emulator) answers with the channel's token: the webhook settings can be read. */
    static final String LINE = "line.access";
    /** The bot server's admin API answers {@code /admin/status} with the admin token. */
    static final String ADMIN = "admin.access";

    private Gates() {}
}
