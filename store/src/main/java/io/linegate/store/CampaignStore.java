package io.linegate.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Durable progress of staged campaigns: which batch went out, with which retry key and request id. */
public interface CampaignStore {

    /**
     * Creates a running campaign and all its batches, each with its retry key, in one transaction.
     * {@code mode} is {@code multicast} (batches of user ids) or {@code narrowcast} (one batch with no
     * ids, sent to {@code audienceGroupId}, or to every friend when null).
     */
    long createCampaign(String name, String mode, Long audienceGroupId, String messagesJson, double recipientsPerSecond,
                        Instant startsAt, List<NewBatch> batches, Instant now);

    /** The request id LINE accepted a sent batch with (the accepted one after a 409). */
    Optional<String> acceptedRequestId(long campaignId, int batchNo);

    List<Campaign> campaigns();

    Optional<Campaign> campaign(long id);

    /** The first batch of the campaign not yet sent, in order. */
    Optional<Batch> nextPendingBatch(long campaignId);

    void markBatchSent(long campaignId, int batchNo, String requestId, String acceptedRequestId, Instant at);

    void markBatchFailed(long campaignId, int batchNo, String error, Instant at);

    /** Sets the state; from {@code expected} states only (empty: any). Returns whether it changed. */
    boolean setCampaignState(long id, String state, String detail, List<String> expected);

    record NewBatch(List<String> recipients, String retryKey) {}

    record Batch(long campaignId, int batchNo, List<String> recipients, String retryKey) {}

    record Campaign(long id, String name, String messagesJson, double recipientsPerSecond, Instant startsAt,
                    String state, String detail, int batches, int sentBatches, int failedBatches,
                    long recipients, long sentRecipients, String mode, Long audienceGroupId) {}
}
