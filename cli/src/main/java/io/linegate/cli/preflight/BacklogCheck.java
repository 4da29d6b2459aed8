package io.linegate.cli.preflight;

/** The events acknowledged but not yet handled: a deep backlog means the bot is behind. */
final class BacklogCheck extends Check {
    static final long DEEP = 1_000;

    BacklogCheck() {
        super("ops.backlog", "backlog", Guidelines.MASS_DELIVERY, Gates.ADMIN);
    }

    @Override
    public CheckResult run(Deployment d) {
        long n = d.adminStatus.path("backlog").asLong();
        if (n > DEEP) {
            return warn(n + " events acknowledged and waiting to be handled: the bot is behind (more --workers, or a"
                    + " slow handler?)");
        }
        return pass(n + " events waiting to be handled");
    }
}
