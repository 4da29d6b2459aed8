package io.linegate.cli.preflight;

/** No dead letters wait: events that failed for good are replayed or understood before release. */
final class DeadLettersCheck extends Check {
    DeadLettersCheck() {
        super("ops.dead-letters", "dead letters", Guidelines.PROCESSING, Gates.ADMIN);
    }

    @Override
    public CheckResult run(Deployment d) {
        if (!d.adminStatus.has("deadLetters")) {
            return fail("the server could not count its dead letters (see the store check)");
        }
        long n = d.adminStatus.path("deadLetters").asLong();
        if (n > 0) {
            return warn(n + " dead letter" + (n == 1 ? "" : "s") + " waiting: linegate events dead, then linegate events"
                    + " replay ID");
        }
        return pass("none waiting");
    }
}
