package io.linegate.webhook;

import com.linecorp.bot.client.base.Result;
import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.IssueLinkTokenResponse;
import com.linecorp.bot.messaging.model.Message;
import io.linegate.store.Digests;
import io.linegate.store.LinkStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Records, through the store, which LINE user each link token was issued for, as the bot issues it
 * (through {@link EventContext#issueLinkToken()} or {@code api().issueLinkToken}). The site then
 * starts a link only with a token the bot issued, and binds the account-link nonce to that user, so
 * that an {@code accountLink} event of another user cannot use the nonce. Only the token's digest is
 * kept.
 */
final class LinkTokenRecorder implements Outbound {
    /** How long a link token is valid (Messaging API reference, "Issue link token": 10 minutes). */
    static final Duration LINK_TOKEN_VALIDITY = Duration.ofMinutes(10);

    private final Outbound delegate;
    private final LinkStore links;
    private final Clock clock;
    private volatile MessagingApiClient api;

    LinkTokenRecorder(Outbound delegate, LinkStore links, Clock clock) {
        this.delegate = delegate;
        this.links = links;
        this.clock = clock;
    }

    @Override
    public void reply(String replyToken, String conversation, List<Message> messages) throws Exception {
        delegate.reply(replyToken, conversation, messages);
    }

    @Override
    public void reply(String replyToken, String conversation, List<Message> messages, UUID fallbackRetryKey)
            throws Exception {
        delegate.reply(replyToken, conversation, messages, fallbackRetryKey);
    }

    @Override
    public void push(String to, List<Message> messages) throws Exception {
        delegate.push(to, messages);
    }

    @Override
    public void push(UUID retryKey, String to, List<Message> messages) throws Exception {
        delegate.push(retryKey, to, messages);
    }

    @Override
    public String issueLinkToken(String userId) throws Exception {
        Instant issued = clock.instant();
        String token = delegate.issueLinkToken(userId);
        record(token, userId, issued);
        return token;
    }

    @Override
    public MessagingApiBlobClient blob() {
        return delegate.blob();
    }

    @Override
    public MessagingApiClient api() {
        MessagingApiClient a = api;
        if (a == null) {
            MessagingApiClient stack = delegate.api();
            a = (MessagingApiClient) Proxy.newProxyInstance(MessagingApiClient.class.getClassLoader(),
                    new Class<?>[] {MessagingApiClient.class}, (proxy, method, args) -> {
                        if (method.getDeclaringClass() == Object.class) {
                            return switch (method.getName()) {
                                case "hashCode" -> System.identityHashCode(proxy);
                                case "equals" -> proxy == args[0];
                                default -> stack.toString();
                            };
                        }
                        Object result;
                        try {
                            result = method.invoke(stack, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (!method.getName().equals("issueLinkToken")) {
                            return result;
                        }
                        String user = (String) args[0];
                        Instant issued = clock.instant();
                        @SuppressWarnings("unchecked")
                        CompletableFuture<Result<IssueLinkTokenResponse>> call = (CompletableFuture<Result<IssueLinkTokenResponse>>) result;
                        // Recorded before the caller sees the token, so that the site knows it when the user arrives.
                        return call.thenApply(r -> {
                            record(r.body().linkToken(), user, issued);
                            return r;
                        });
                    });
            api = a;
        }
        return a;
    }

    private void record(String token, String userId, Instant issued) {
        links.recordLinkToken(Digests.sha256(token), userId, issued, issued.plus(LINK_TOKEN_VALIDITY));
    }
}
