package io.linegate.cli.preflight;

import java.util.Locale;

/** The outcome of one check. Only {@link #FAIL} makes {@code linegate preflight} exit non-zero. */
public enum Status {
    /** The deployment does what the guideline asks. */
    PASS,
    /** Allowed, but worth a look before release (a long-lived token, a certificate expiring soon...). */
    WARN,
    /** The deployment breaks the guideline, or a check could not reach what it must. */
    FAIL,
    /** Not checked: nothing to check (no Login channel given) or a check it needs did not pass. */
    SKIP;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
