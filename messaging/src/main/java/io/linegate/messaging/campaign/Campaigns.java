package io.linegate.messaging.campaign;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.bot.jackson.ModelObjectMapper;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.AudienceRecipient;
import com.linecorp.bot.messaging.model.BroadcastRequest;
import com.linecorp.bot.messaging.model.MulticastRequest;
import com.linecorp.bot.messaging.model.NarrowcastProgressResponse;
import com.linecorp.bot.messaging.model.NarrowcastRequest;
import io.linegate.messaging.LineApiException;
import io.linegate.messaging.MessageSender;
import io.linegate.messaging.RequestLimits;
import io.linegate.messaging.SendResult;
import io.linegate.store.CampaignStore;
import io.linegate.store.CampaignStore.Batch;
import io.linegate.store.CampaignStore.Campaign;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Staged delivery (guideline: for accounts with many friends, "avoid sending messages all at once ...
 * send in stages"): one set of messages to a recipient list, as multicast batches of 500 at a
 * configured pace from a configured time.
 *
 * <p>Progress is durable. Every batch gets its retry key when the campaign is created, so a batch that
 * was in flight when the process died is sent again with the same key after a restart, and LINE
 * answers 409 instead of delivering it twice. A batch that fails for good (a 4xx) stops the campaign
 * with the reason, since the same request would fail for every batch.
 */
public final class Campaigns {
    private static final Logger log = LoggerFactory.getLogger(Campaigns.class);
    private static final ObjectMapper SDK = ModelObjectMapper.createNewObjectMapper();
    /** The declared element type: without it Jackson writes each message without its "type". */
    private static final TypeReference<List<Message>> MESSAGES = new TypeReference<>() {};
    private static final Pattern USER_ID = Pattern.compile("^U[0-9a-f]{32}$");
    static final int BATCH = RequestLimits.MAX_MULTICAST_RECIPIENTS;
    static final Duration NARROWCAST_POLL = Duration.ofSeconds(5);

    private final CampaignStore store;
    private final MessageSender sender;
    private final Clock clock;
    private final Map<Long, Instant> nextBatchAt = new ConcurrentHashMap<>();

    public Campaigns(CampaignStore store, MessageSender sender, Clock clock) {
        this.store = store;
        this.sender = sender;
        this.clock = clock;
    }

    /**
     * Creates a running campaign. Recipients must be user ids; one listed twice is sent once.
     *
     * @throws IllegalArgumentException naming the first recipient that is not a user id, or the
     *                                  message property that breaks a limit; nothing is created then
     */
    public long start(String name, List<Message> messages, List<String> recipients, double recipientsPerSecond,
                      Instant startAt) {
        if (!(recipientsPerSecond > 0)) {
            throw new IllegalArgumentException("recipientsPerSecond must be positive, was " + recipientsPerSecond);
        }
        Set<String> unique = new LinkedHashSet<>();
        for (int i = 0; i < recipients.size(); i++) {
            String r = recipients.get(i).strip();
            if (!USER_ID.matcher(r).matches()) {
                throw new IllegalArgumentException("recipient " + (i + 1) + " is not a user id (U + 32 hex): '" + r + "'");
            }
            unique.add(r);
        }
        if (unique.isEmpty()) {
            throw new IllegalArgumentException("a campaign needs at least one recipient");
        }
        List<String> all = new ArrayList<>(unique);
        RequestLimits.check(new MulticastRequest.Builder(messages, all.subList(0, Math.min(BATCH, all.size()))).build());
        List<CampaignStore.NewBatch> batches = new ArrayList<>();
        for (int from = 0; from < all.size(); from += BATCH) {
            batches.add(new CampaignStore.NewBatch(all.subList(from, Math.min(all.size(), from + BATCH)),
                    UUID.randomUUID().toString()));
        }
        String json = messagesJson(messages);
        long id = store.createCampaign(name, "multicast", null, json, recipientsPerSecond, startAt, batches, clock.instant());
        log.info("campaign {} '{}' created: {} recipients in {} batches from {} at {} recipients/s", id, name,
                all.size(), batches.size(), startAt, recipientsPerSecond);
        return id;
    }

    /**
     * Creates a running campaign sent by one narrowcast (to {@code audienceGroupId}, or to every friend
     * when null) at {@code startAt}; its progress is then polled until {@code succeeded} or
     * {@code failed}. The narrowcast's retry key is stored with it, like a batch's.
     */
    public long startNarrowcast(String name, List<Message> messages, Long audienceGroupId, Instant startAt) {
        RequestLimits.check(new BroadcastRequest.Builder(messages).build());
        long id = store.createCampaign(name, "narrowcast", audienceGroupId, messagesJson(messages), 1, startAt,
                List.of(new CampaignStore.NewBatch(List.of(), UUID.randomUUID().toString())), clock.instant());
        log.info("campaign {} '{}' created: one narrowcast to {} from {}", id, name,
                audienceGroupId == null ? "every friend" : "audience " + audienceGroupId, startAt);
        return id;
    }

    private static String messagesJson(List<Message> messages) {
        try {
            return SDK.writerFor(MESSAGES).writeValueAsString(messages);
        } catch (IOException e) {
            throw new IllegalArgumentException("the messages cannot be serialized: " + e.getMessage(), e);
        }
    }

    /** What an operator can do to a campaign (the CLI, the console), and from which states. */
    public enum Change {
        PAUSE("paused", "running"),
        RESUME("running", "paused"),
        CANCEL("cancelled", "running", "paused");

        private final String to;
        private final List<String> from;

        Change(String to, String... from) {
            this.to = to;
            this.from = List.of(from);
        }

        /** The states the change is made from. */
        public List<String> from() {
            return from;
        }

        /** Makes the change if the campaign is in one of {@link #from()}; true if it was. */
        public boolean apply(CampaignStore store, long id) {
            return store.setCampaignState(id, to, null, from);
        }
    }

    public boolean pause(long id) {
        return Change.PAUSE.apply(store, id);
    }

    public boolean resume(long id) {
        return Change.RESUME.apply(store, id);
    }

    public boolean cancel(long id) {
        return Change.CANCEL.apply(store, id);
    }

    public Optional<Campaign> status(long id) {
        return store.campaign(id);
    }

    public List<Campaign> all() {
        return store.campaigns();
    }

    /**
     * Sends every batch that is due, pacing each campaign, until no running campaign has work left
     * (paused campaigns and those starting later are left for the next call). Safe to call again
     * after a crash: it resumes from the first batch not marked sent.
     */
    public void runUntilIdle() throws InterruptedException {
        while (true) {
            Instant now = clock.instant();
            Instant wakeAt = null;
            boolean sentAny = false;
            for (Campaign c : store.campaigns()) {
                if (!c.state().equals("running")) {
                    continue;
                }
                Instant due = later(c.startsAt(), nextBatchAt.getOrDefault(c.id(), Instant.MIN));
                if (now.isBefore(due)) {
                    wakeAt = wakeAt == null || due.isBefore(wakeAt) ? due : wakeAt;
                    continue;
                }
                Optional<Batch> batch = store.nextPendingBatch(c.id());
                if (batch.isEmpty()) {
                    if (c.mode().equals("narrowcast")) {
                        pollNarrowcast(c);
                        sentAny = true;
                    } else {
                        finish(c, null);
                    }
                    continue;
                }
                send(c, batch.get());
                sentAny = true;
            }
            if (!sentAny) {
                if (wakeAt == null || wakeAt.isAfter(now.plus(Duration.ofMinutes(1)))) {
                    return; // nothing due soon: the caller runs us again later
                }
                Thread.sleep(Math.max(1, Duration.between(clock.instant(), wakeAt).toMillis()));
            }
        }
    }

    private void send(Campaign c, Batch batch) {
        nextBatchAt.put(c.id(), clock.instant().plusMillis((long) Math.ceil(batch.recipients().size() * 1000.0
                / c.recipientsPerSecond())));
        try {
            List<Message> messages = SDK.readValue(c.messagesJson(), MESSAGES);
            UUID key = UUID.fromString(batch.retryKey());
            SendResult r = c.mode().equals("narrowcast") ? sender.narrowcast(key, narrowcast(messages, c.audienceGroupId()))
                    : sender.multicast(key, batch.recipients(), messages);
            store.markBatchSent(c.id(), batch.batchNo(), r.requestId(), r.acceptedRequestId(), clock.instant());
        } catch (LineApiException e) {
            // Not retryable (the sender already retried what could be): the same request would fail for every batch.
            store.markBatchFailed(c.id(), batch.batchNo(), e.getMessage(), clock.instant());
            store.setCampaignState(c.id(), "failed", "batch " + batch.batchNo() + ": " + e.getMessage(), List.of("running"));
            log.error("campaign {} stopped: batch {} failed: {}", c.id(), batch.batchNo(), e.getMessage());
        } catch (IOException e) {
            // It may or may not have been accepted: leave it pending; its retry key makes the next try safe.
            nextBatchAt.put(c.id(), clock.instant().plusSeconds(30));
            log.warn("campaign {} batch {} got no answer ({}); will send it again with the same retry key",
                    c.id(), batch.batchNo(), e.getMessage());
        }
    }

    private static NarrowcastRequest narrowcast(List<Message> messages, Long audienceGroupId) {
        NarrowcastRequest.Builder b = new NarrowcastRequest.Builder(messages);
        if (audienceGroupId != null) {
            b.recipient(new AudienceRecipient.Builder().audienceGroupId(audienceGroupId).build());
        }
        return b.build();
    }

    /** A sent narrowcast: asks LINE how far it got, every few seconds, until it has finished. */
    private void pollNarrowcast(Campaign c) {
        nextBatchAt.put(c.id(), clock.instant().plus(NARROWCAST_POLL));
        Optional<String> requestId = store.acceptedRequestId(c.id(), 0);
        if (requestId.isEmpty()) {
            return;
        }
        try {
            NarrowcastProgressResponse p = sender.narrowcastProgress(requestId.get());
            String phase = p == null || p.phase() == null ? "" : p.phase().toString().toLowerCase(java.util.Locale.ROOT);
            String counts = p == null ? "" : "success " + p.successCount() + ", failure " + p.failureCount()
                    + " of " + p.targetCount();
            if (phase.equals("succeeded")) {
                finish(c, counts);
            } else if (phase.equals("failed")) {
                store.setCampaignState(c.id(), "failed", "narrowcast failed: " + p.failedDescription() + " (errorCode "
                        + p.errorCode() + ")", List.of("running"));
            }
        } catch (LineApiException | IOException e) {
            log.warn("could not read the progress of campaign {}: {}", c.id(), e.getMessage());
        }
    }

    private void finish(Campaign c, String detail) {
        if (store.setCampaignState(c.id(), "done", detail, List.of("running"))) {
            nextBatchAt.remove(c.id());
            log.info("campaign {} '{}' done: {} recipients in {} batches", c.id(), c.name(), c.recipients(), c.batches());
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
