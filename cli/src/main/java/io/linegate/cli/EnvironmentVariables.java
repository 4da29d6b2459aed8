package io.linegate.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The environment variables linegate reads, in one place, and a warning for a {@code LINE_*} or
 * {@code LINEGATE_*} variable it does not: a misspelled one ({@code LINE_APIBASE}) would otherwise be
 * ignored without a word, and the bot would send to LINE's platform instead of the emulator.
 */
final class EnvironmentVariables {
    private EnvironmentVariables() {}

    static final List<String> KNOWN = List.of(
            "LINE_CHANNEL_SECRET", "LINE_CHANNEL_SECRET_PREVIOUS", "LINE_CHANNEL_SECRET_PREVIOUS_UNTIL",
            "LINE_CHANNEL_ACCESS_TOKEN", "LINE_CHANNEL_ID", "LINE_API_BASE", "LINE_ASSERTION_KEY_FILE",
            "LINEGATE_ADMIN_TOKEN", "LINEGATE_TLS_PASSWORD", "LINEGATE_STORE_PASSWORD",
            "LINEGATE_LOG_LEVEL", "LINEGATE_ACCESS_LOG", "LINEGATE_DEBUG",
            // read by ./linegate, the build and the examples, not by the jar
            "LINEGATE_CDS", "LINEGATE_JAVA_OPTS", "LINEGATE_REQUIRE_BROWSER", "LINEGATE_TEST_POSTGRES_URL",
            "LINEGATE_TOKEN_TYPE", "LINEGATE_STORE");

    /** One warning per variable of linegate's prefixes that linegate does not read, with the nearest it does. */
    static List<String> warnings(Map<String, String> env) {
        List<String> out = new ArrayList<>();
        for (String name : new TreeSet<>(env.keySet())) {
            if ((name.startsWith("LINE_") || name.startsWith("LINEGATE_")) && !KNOWN.contains(name)) {
                String nearest = ChannelSettings.nearest(name, KNOWN);
                out.add("the environment variable " + name + " is not one linegate reads, so it is ignored"
                        + (nearest != null ? "; did you mean " + nearest + "?" : " (see the README for those it reads)"));
            }
        }
        return out;
    }
}
