package io.linegate.messaging;

import com.linecorp.bot.client.base.BlobContent;
import com.linecorp.bot.client.base.Result;
import com.linecorp.bot.client.base.UploadFile;
import com.linecorp.bot.messaging.model.GetMessageContentTranscodingResponse;
import java.util.concurrent.CompletableFuture;
import com.linecorp.bot.messaging.client.MessagingApiBlobClient;

/**
 * A {@link MessagingApiBlobClient} that passes every call to {@link #delegate()}, for adapters that change a few
 * calls and keep the rest: a subclass overrides what it changes, and the compiler checks every
 * signature against the SDK (no reflection). Written out from the SDK's interface; when the SDK adds
 * a method, this class stops compiling until it is added here.
 */
public abstract class ForwardingMessagingApiBlobClient implements MessagingApiBlobClient {
    /** The client that answers the calls this class does not change. */
    protected abstract MessagingApiBlobClient delegate();

    /** What every passed call's future goes through; the call's own future by default. */
    protected <T> CompletableFuture<Result<T>> forward(CompletableFuture<Result<T>> call) {
        return call;
    }

    @Override
    public CompletableFuture<Result<BlobContent>> getMessageContent(String messageId) {
        return forward(delegate().getMessageContent(messageId));
    }

    @Override
    public CompletableFuture<Result<BlobContent>> getMessageContentPreview(String messageId) {
        return forward(delegate().getMessageContentPreview(messageId));
    }

    @Override
    public CompletableFuture<Result<GetMessageContentTranscodingResponse>> getMessageContentTranscodingByMessageId(String messageId) {
        return forward(delegate().getMessageContentTranscodingByMessageId(messageId));
    }

    @Override
    public CompletableFuture<Result<BlobContent>> getRichMenuImage(String richMenuId) {
        return forward(delegate().getRichMenuImage(richMenuId));
    }

    @Override
    public CompletableFuture<Result<Void>> setRichMenuImage(String richMenuId, UploadFile body) {
        return forward(delegate().setRichMenuImage(richMenuId, body));
    }
}
