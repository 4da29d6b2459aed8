package io.linegate.login;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many logins or links one client (an address, or a signed-in member) may start per minute: a
 * count per client in the current minute. Memory is bounded: at most {@code maxClients} clients are
 * counted in a minute, and a new one beyond them pushes out the client counted first, so that a
 * flood from many addresses never refuses a newcomer (what bounds the store against such a flood is
 * the global bound on pending logins, {@link io.linegate.store.PendingLogins#evictOldestAnonymous}).
 */
final class LoginStartLimit {
    private final int perMinute;
    private final int maxClients;
    private final Map<String, int[]> counts = new LinkedHashMap<>(); // in the order first counted
    private long minute = Long.MIN_VALUE;

    LoginStartLimit(int perMinute, int maxClients) {
        if (perMinute < 1 || maxClients < 1) {
            throw new IllegalArgumentException("the start limit needs at least 1 start per minute and 1 client");
        }
        this.perMinute = perMinute;
        this.maxClients = maxClients;
    }

    /** Counts a start by {@code client}; false (count unchanged) when it is over its limit. */
    synchronized boolean tryStart(String client, Instant now) {
        long m = Math.floorDiv(now.getEpochSecond(), 60);
        if (m != minute) {
            counts.clear();
            minute = m;
        }
        String key = client == null || client.isBlank() ? "unknown" : client.length() > 64 ? client.substring(0, 64) : client;
        int[] count = counts.get(key);
        if (count == null) {
            if (counts.size() >= maxClients) {
                Iterator<String> first = counts.keySet().iterator();
                first.next();
                first.remove();
            }
            count = new int[1];
            counts.put(key, count);
        }
        if (count[0] >= perMinute) {
            return false;
        }
        count[0]++;
        return true;
    }

    synchronized int trackedClients() {
        return counts.size();
    }
}
