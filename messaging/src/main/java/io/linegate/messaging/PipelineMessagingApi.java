package io.linegate.messaging;

import com.linecorp.bot.client.base.Result;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.BroadcastRequest;
import com.linecorp.bot.messaging.model.IssueLinkTokenResponse;
import com.linecorp.bot.messaging.model.MulticastRequest;
import com.linecorp.bot.messaging.model.NarrowcastRequest;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.PushMessageResponse;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import com.linecorp.bot.messaging.model.ReplyMessageResponse;
import com.linecorp.bot.messaging.model.SentMessage;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The official {@link MessagingApiClient} over a {@link SendPipeline}: reply, push, multicast,
 * broadcast, narrowcast and issue-link-token go through the pipeline (request limits, retries with
 * the same key, 409 as accepted, a fresh token after a 401), run on the caller's thread and hand back
 * the outcome as a completed future, as the SDK would; every other call goes to the SDK client built
 * with the same token, rate limits and API request log. A send without a retry key of the caller's
 * gets one from {@link #prepare}; every failure is a {@link LineApiException} by status.
 *
 * <p>A subclass binds the sends to something, such as a handled event ({@link #prepare} gives the
 * event's keys, the pipeline gets the event's links in front).
 */
public class PipelineMessagingApi extends ForwardingMessagingApiClient {
    private final SendPipeline pipeline;
    private final MessagingApiClient raw;

    protected PipelineMessagingApi(SendPipeline pipeline, MessagingApiClient raw) {
        this.pipeline = pipeline;
        this.raw = raw;
    }

    @Override
    protected final MessagingApiClient delegate() {
        return raw;
    }

    @Override
    protected <T> CompletableFuture<Result<T>> forward(CompletableFuture<Result<T>> call) {
        return SdkTransport.typedFailures(call);
    }

    /**
     * The send for a call: a keyed endpoint takes the caller's key, or a random one here (a subclass
     * derives one). {@code recipient} names who it goes to, where there is one.
     */
    protected Send prepare(Send.Endpoint endpoint, Object body, UUID givenKey, String recipient) {
        UUID key = !endpoint.keyed() ? null : givenKey != null ? givenKey : UUID.randomUUID();
        return new Send(endpoint, body, key, null, null, 1);
    }

    /** The pipeline a prepared send goes through. */
    protected SendPipeline pipeline() {
        return pipeline;
    }

    @Override
    public CompletableFuture<Result<ReplyMessageResponse>> replyMessage(ReplyMessageRequest request) {
        return now(prepare(Send.Endpoint.REPLY, request, null, null),
                r -> new Result<>(r.requestId(), null, new ReplyMessageResponse(sdk(r.sentMessages()))));
    }

    @Override
    public CompletableFuture<Result<PushMessageResponse>> pushMessage(UUID retryKey, PushMessageRequest request) {
        return now(prepare(Send.Endpoint.PUSH, request, retryKey, request.to()),
                r -> new Result<>(r.requestId(), r.acceptedRequestId(), new PushMessageResponse(sdk(r.sentMessages()))));
    }

    @Override
    public CompletableFuture<Result<Object>> multicast(UUID retryKey, MulticastRequest request) {
        return now(prepare(Send.Endpoint.MULTICAST, request, retryKey, String.join(",", request.to())), PipelineMessagingApi::accepted);
    }

    @Override
    public CompletableFuture<Result<Object>> broadcast(UUID retryKey, BroadcastRequest request) {
        return now(prepare(Send.Endpoint.BROADCAST, request, retryKey, null), PipelineMessagingApi::accepted);
    }

    @Override
    public CompletableFuture<Result<Object>> narrowcast(UUID retryKey, NarrowcastRequest request) {
        return now(prepare(Send.Endpoint.NARROWCAST, request, retryKey, null), PipelineMessagingApi::accepted);
    }

    @Override
    public CompletableFuture<Result<IssueLinkTokenResponse>> issueLinkToken(String userId) {
        return now(prepare(Send.Endpoint.LINK_TOKEN, userId, null, userId),
                r -> new Result<>(r.requestId(), null, new IssueLinkTokenResponse(r.linkToken())));
    }

    @Override
    public String toString() {
        return "MessagingApiClient through linegate's sending pipeline";
    }

    private interface Answer<T> {
        Result<T> of(SendResult r);
    }

    /** Sends now, on the caller's thread, and hands back the outcome as the SDK would: a future. */
    private <T> CompletableFuture<Result<T>> now(Send send, Answer<T> answer) {
        try {
            return CompletableFuture.completedFuture(answer.of(pipeline().send(send)));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Result<Object> accepted(SendResult r) {
        return new Result<>(r.requestId(), r.acceptedRequestId(), Map.of());
    }

    private static List<SentMessage> sdk(List<SendResult.SentMessage> sent) {
        return sent.stream().map(m -> new SentMessage(m.id(), m.quoteToken())).toList();
    }
}
