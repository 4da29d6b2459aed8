package io.linegate.webhook;

import com.linecorp.bot.client.base.Result;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.PushMessageResponse;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import com.linecorp.bot.messaging.model.ReplyMessageResponse;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A test double of the official client (the webhook module cannot see the sending pipeline): pushes
 * and replies are recorded and answered as accepted; any other call fails the test.
 */
final class RecordingApi {
    private RecordingApi() {}

    static MessagingApiClient of(List<Message> sent) {
        return (MessagingApiClient) Proxy.newProxyInstance(MessagingApiClient.class.getClassLoader(),
                new Class<?>[] {MessagingApiClient.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "pushMessage" -> {
                        sent.addAll(((PushMessageRequest) args[1]).messages());
                        yield CompletableFuture.completedFuture(new Result<>("request", null, new PushMessageResponse(List.of())));
                    }
                    case "replyMessage" -> {
                        sent.addAll(((ReplyMessageRequest) args[0]).messages());
                        yield CompletableFuture.completedFuture(new Result<>("request", null, new ReplyMessageResponse(List.of())));
                    }
                    case "toString" -> "RecordingApi";
                    default -> throw new UnsupportedOperationException("not in this test: " + method.getName());
                });
    }
}
