package io.linegate.emulator.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One audience of Manage Audience (Messaging API reference, "Manage Audience"): made from uploaded
 * user IDs ({@code UPLOAD}), or from the users who clicked ({@code CLICK}) or saw ({@code IMP}) a
 * broadcast or narrowcast. An audience expires 180 days after it was created (the reference's
 * {@code expireTimestamp}; the spec's examples are exactly 180 days); jobs finish at once in the
 * emulator (UNCONFIRMED: LINE processes them asynchronously and shows IN_PROGRESS meanwhile).
 */
public final class Audience {
    public static final Duration LIFETIME = Duration.ofDays(180);

    /** An upload: the audience's creation with IDs, or IDs added later. */
    public record Job(long jobId, String description, int audienceCount, Instant created) {}

    private final long id;
    private final String type;
    private volatile String description;
    private final Instant created;
    private final boolean ifa;
    private final String requestId;
    private final String clickUrl;
    private final Set<String> members = ConcurrentHashMap.newKeySet();
    private final List<Job> jobs = new ArrayList<>();

    public Audience(long id, String type, String description, Instant created, boolean ifa, String requestId, String clickUrl) {
        this.id = id;
        this.type = type;
        this.description = description;
        this.created = created;
        this.ifa = ifa;
        this.requestId = requestId;
        this.clickUrl = clickUrl;
    }

    public long id() {
        return id;
    }

    public String type() {
        return type;
    }

    public String description() {
        return description;
    }

    public void description(String d) {
        this.description = d;
    }

    public Instant created() {
        return created;
    }

    public Instant expires() {
        return created.plus(LIFETIME);
    }

    public boolean ifa() {
        return ifa;
    }

    public String requestId() {
        return requestId;
    }

    public String clickUrl() {
        return clickUrl;
    }

    public String status(Instant now) {
        return now.isBefore(expires()) ? "READY" : "EXPIRED";
    }

    public boolean contains(String userId) {
        return members.contains(userId);
    }

    public int size() {
        return members.size();
    }

    /** Adds the IDs as one job; returns how many were new. */
    public synchronized int add(Iterable<String> ids, long jobId, String jobDescription, Instant now) {
        int added = 0;
        for (String id : ids) {
            if (members.add(id)) {
                added++;
            }
        }
        jobs.add(new Job(jobId, jobDescription, added, now));
        return added;
    }

    /** Members without a job (click and impression audiences). */
    public void addAll(Set<String> ids) {
        members.addAll(ids);
    }

    public synchronized List<Job> jobs() {
        return List.copyOf(jobs);
    }
}
