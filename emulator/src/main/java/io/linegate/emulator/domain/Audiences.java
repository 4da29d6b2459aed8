package io.linegate.emulator.domain;

import com.linecorp.armeria.common.HttpStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A channel's audiences, oldest first. Bounded: at most {@link #MAX_AUDIENCES}; creating one more is
 * refused (UNCONFIRMED: the number and the error code; LINE documents an upper limit on audiences
 * per account).
 */
public final class Audiences {
    /** Messaging API reference, "Create audience for uploading user IDs (by JSON)": up to 10,000 IDs per request. */
    public static final int MAX_IDS_PER_REQUEST = 10_000;
    /** Messaging API reference, "... (by file)": up to 1,500,000 IDs per file. */
    public static final int MAX_IDS_PER_FILE = 1_500_000;
    /** The audience's name: at most 120 characters. */
    public static final int MAX_DESCRIPTION = 120;
    public static final int MAX_AUDIENCES = 1000;

    private final Map<Long, Audience> byId = Collections.synchronizedMap(new LinkedHashMap<>());
    private final AtomicLong jobIds = new AtomicLong(ThreadLocalRandom.current().nextLong(10_000_000L, 20_000_000L));

    /** A new audience id: 13 digits, as LINE's. */
    public static long newId() {
        return ThreadLocalRandom.current().nextLong(1_000_000_000_000L, 10_000_000_000_000L);
    }

    public long nextJobId() {
        return jobIds.incrementAndGet();
    }

    public Audience get(long id) {
        return byId.get(id);
    }

    /** Adds {@code a}, or throws the platform's refusal when the channel has too many. */
    public void add(Audience a) {
        synchronized (byId) {
            if (byId.size() >= MAX_AUDIENCES) {
                throw ApiException.line(HttpStatus.BAD_REQUEST, "Audience group count is over the limit",
                        List.of(new ApiException.Detail("AUDIENCE_GROUP_COUNT_MAX_OVER", null)));
            }
            byId.put(a.id(), a);
        }
    }

    public Audience remove(long id) {
        return byId.remove(id);
    }

    public List<Audience> all() {
        synchronized (byId) {
            return new ArrayList<>(byId.values());
        }
    }

    public void clear() {
        byId.clear();
    }
}
