package io.linegate.login;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * How many logins or links one client may start per minute, so that anonymous requests cannot fill
 * the store: a count per client address in the current minute. Memory is bounded: at most
 * {@code maxClients} addresses are counted in a minute, and a new address beyond them is refused
 * until the minute turns (so a flood from many addresses is capped too, at
 * {@code maxClients * perMinute} starts a minute).
 */
final class StartLimit {
    private final int perMinute;
    private final int maxClients;
    private final Map<String, int[]> counts = new HashMap<>();
    private long minute = Long.MIN_VALUE;

    StartLimit(int perMinute, int maxClients) {
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
                return false;
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
