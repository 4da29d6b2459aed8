package io.linegate.messaging;

import com.linecorp.bot.client.base.Result;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import io.linegate.core.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * Reply and push over the official {@link MessagingApiClient}, with a fixed channel access token.
 *
 * <p>This is the minimal sending path the webhook runtime needs; token lifecycle, rate limits,
 * API request logs and typed errors come with the guideline-compliant sending stack. Three rules are
 * already kept here: the SDK's wire logger is off (it logs the bearer token), every push carries a
 * fresh {@code X-Line-Retry-Key} so that a later retry cannot send twice, and requests that break
 * LINE's limits are refused before they are sent ({@link RequestLimits}).
 */
public final class MessageSender {
    private final MessagingApiClient client;

    private MessageSender(MessagingApiClient client) {
        this.client = client;
    }

    /** {@code apiBase} is {@code https://api.line.me} in production, or the emulator's URL. */
    public static MessageSender create(URI apiBase, Secret accessToken) {
        MessagingApiClient client = MessagingApiClient.builder(accessToken::reveal)
                .apiEndPoint(apiBase)
                .usingDefaultLogger(false)
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(10))
                .build();
        return new MessageSender(client);
    }

    /** @throws RequestLimitException before sending anything, if the request breaks a LINE limit */
    public void reply(String replyToken, List<Message> messages) throws Exception {
        ReplyMessageRequest request = new ReplyMessageRequest.Builder(replyToken, messages).build();
        RequestLimits.check(request);
        await(client.replyMessage(request));
    }

    /** @throws RequestLimitException before sending anything, if the request breaks a LINE limit */
    public void push(String to, List<Message> messages) throws Exception {
        PushMessageRequest request = new PushMessageRequest.Builder(to, messages).build();
        RequestLimits.check(request);
        await(client.pushMessage(UUID.randomUUID(), request));
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<Result<T>> call) throws Exception {
        try {
            return call.get().body();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw e;
        }
    }
}
