package io.linegate.bench.sending;

import java.util.HashMap;
import java.util.Map;

/** {@code --key=value} options of the sending benchmarks. */
final class Opts {
    private final Map<String, String> values = new HashMap<>();

    Opts(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --key=value, got " + a);
            }
            values.put(a.substring(2, eq), a.substring(eq + 1));
        }
    }

    String str(String key, String dflt) {
        String v = values.get(key);
        if (v == null && dflt == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v == null ? dflt : v;
    }

    int integer(String key, int dflt) {
        return Integer.parseInt(str(key, String.valueOf(dflt)));
    }

    long lng(String key, long dflt) {
        return Long.parseLong(str(key, String.valueOf(dflt)));
    }

    double dbl(String key, double dflt) {
        return Double.parseDouble(str(key, String.valueOf(dflt)));
    }

    boolean bool(String key, boolean dflt) {
        return Boolean.parseBoolean(str(key, String.valueOf(dflt)));
    }
}
