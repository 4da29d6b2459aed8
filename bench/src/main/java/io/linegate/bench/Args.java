package io.linegate.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --key=value} arguments, of every benchmark main. */
public final class Args {
    private final Map<String, String> values = new HashMap<>();

    public Args(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new IllegalArgumentException("expected --key=value, got " + a);
            }
            int eq = a.indexOf('=');
            values.put(a.substring(2, eq), a.substring(eq + 1));
        }
    }

    public String str(String key, String dflt) {
        String v = values.get(key);
        if (v == null && dflt == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v == null ? dflt : v;
    }

    public int integer(String key, int dflt) {
        return Integer.parseInt(str(key, String.valueOf(dflt)));
    }

    public long lng(String key, long dflt) {
        return Long.parseLong(str(key, String.valueOf(dflt)));
    }

    public double dbl(String key, double dflt) {
        return Double.parseDouble(str(key, String.valueOf(dflt)));
    }

    public boolean bool(String key, boolean dflt) {
        return Boolean.parseBoolean(str(key, String.valueOf(dflt)));
    }

    /** The channel secret of the benchmark: a fixed test value unless BENCH_CHANNEL_SECRET is set. */
    static String secret() {
        String s = System.getenv("BENCH_CHANNEL_SECRET");
        return s == null || s.isEmpty() ? "0123456789abcdef0123456789abcdef" : s;
    }
}
