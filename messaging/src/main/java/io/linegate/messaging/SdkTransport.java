package io.linegate.messaging;

import com.linecorp.bot.client.base.Result;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.client.MessagingApiClientException;
import com.linecorp.bot.messaging.model.BroadcastRequest;
import com.linecorp.bot.messaging.model.MulticastRequest;
import com.linecorp.bot.messaging.model.NarrowcastRequest;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.PushMessageResponse;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import com.linecorp.bot.messaging.model.ReplyMessageResponse;
import com.linecorp.bot.messaging.model.SentMessage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The end of the {@link SendPipeline}: one attempt as one call of the official SDK client, whose
 * HTTP interceptors wait for the rate limit and write the API request log. The attempt number of a
 * send is handed to the log through {@link AttemptsInFlight} while its request is in flight.
 * Error responses become {@link LineApiException}s by status.
 */
final class SdkTransport implements SendPipeline.Transport {
    private final MessagingApiClient client;
    private final AttemptsInFlight attempts;

    SdkTransport(MessagingApiClient client, AttemptsInFlight attempts) {
        this.client = client;
        this.attempts = attempts;
    }

    @Override
    public SendResult send(Send send) throws LineApiException, IOException {
        attempts.begin(send);
        try {
            return switch (send.endpoint()) {
                case REPLY -> {
                    Result<ReplyMessageResponse> r = await(client.replyMessage((ReplyMessageRequest) send.body()));
                    yield result(send, r.requestId(), r.body() == null ? null : r.body().sentMessages(), null);
                }
                case PUSH -> {
                    Result<PushMessageResponse> r = await(client.pushMessage(send.retryKey(), (PushMessageRequest) send.body()));
                    yield result(send, r.requestId(), r.body() == null ? null : r.body().sentMessages(), null);
                }
                case MULTICAST -> result(send, await(client.multicast(send.retryKey(), (MulticastRequest) send.body())).requestId(), null, null);
                case BROADCAST -> result(send, await(client.broadcast(send.retryKey(), (BroadcastRequest) send.body())).requestId(), null, null);
                case NARROWCAST -> result(send, await(client.narrowcast(send.retryKey(), (NarrowcastRequest) send.body())).requestId(), null, null);
                case LINK_TOKEN -> {
                    var r = await(client.issueLinkToken(send.userId()));
                    yield result(send, r.requestId(), null, r.body().linkToken());
                }
            };
        } catch (MessagingApiClientException e) {
            throw typed(e);
        } finally {
            attempts.end(send);
        }
    }

    private static SendResult result(Send send, String requestId, List<SentMessage> sent, String linkToken) {
        return new SendResult(requestId, null, sentMessages(sent), send.retryKey(), send.attempt(), linkToken);
    }

    static List<SendResult.SentMessage> sentMessages(List<SentMessage> in) {
        return in == null ? List.of() : in.stream().map(m -> new SendResult.SentMessage(m.id(), m.quoteToken())).toList();
    }

    /** The SDK's exception for an error status as the {@link LineApiException} of that status. */
    static LineApiException typed(MessagingApiClientException e) {
        String message = e.getError();
        if (e.getDetails() != null && !e.getDetails().isEmpty()) {
            message += " " + e.getDetails().stream().map(d -> d.property() + ": " + d.message()).toList();
        }
        if (e.getCode() == 409) {
            return new LineApiException.Conflict(409, e.getRequestId(), message,
                    e.getHeader("x-line-accepted-request-id"), sentMessages(e.getSentMessages()));
        }
        return LineApiException.of(e.getCode(), e.getRequestId(), message);
    }

    /** A future of the SDK client whose failure is the {@link LineApiException} of its status. */
    static <T> CompletableFuture<T> typedFailures(CompletableFuture<T> call) {
        CompletableFuture<T> out = new CompletableFuture<>();
        call.whenComplete((v, e) -> {
            if (e == null) {
                out.complete(v);
                return;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            out.completeExceptionally(cause instanceof MessagingApiClientException m ? typed(m) : cause);
        });
        return out;
    }

    static <R> R await(CompletableFuture<R> call) throws IOException {
        try {
            return call.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io; // MessagingApiClientException is an IOException too
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(cause);
        }
    }
}
