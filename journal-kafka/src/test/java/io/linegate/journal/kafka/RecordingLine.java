package io.linegate.journal.kafka;

import com.linecorp.bot.client.base.Result;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.PushMessageResponse;
import io.linegate.webhook.HandlerRun;
import io.linegate.webhook.Outbound;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * LINE as the handlers' pushes reach it, for tests without the messaging module: each push is checked
 * as the sending stack checks it ({@link HandlerRun#checkSendingAllowed}), carries its run's retry key,
 * and is accepted once per key; a push whose key was accepted before is what LINE answers 409 to
 * (counted, answered as accepted, as the sending stack treats a 409). Pushes only; any other call
 * fails the test.
 */
final class RecordingLine implements Outbound {
    /** The retry keys of the accepted pushes. */
    final Set<UUID> accepted = ConcurrentHashMap.newKeySet();
    /** The pushes LINE answered 409 (a retry key it had accepted before). */
    final AtomicInteger conflicts = new AtomicInteger();

    @Override
    public MessagingApiClient api(HandlerRun run) {
        return (MessagingApiClient) Proxy.newProxyInstance(MessagingApiClient.class.getClassLoader(),
                new Class<?>[] {MessagingApiClient.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "pushMessage" -> {
                        run.checkSendingAllowed();
                        PushMessageRequest request = (PushMessageRequest) args[1];
                        UUID key = run.retryKey(run.nextSend(), "push", request.to());
                        if (!accepted.add(key)) {
                            conflicts.incrementAndGet();
                        }
                        yield CompletableFuture.completedFuture(new Result<>("request", null, new PushMessageResponse(List.of())));
                    }
                    case "toString" -> "RecordingLine";
                    default -> throw new UnsupportedOperationException("not in this test: " + method.getName());
                });
    }
}
