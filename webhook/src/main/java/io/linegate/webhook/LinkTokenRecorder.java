package io.linegate.webhook;

import com.linecorp.bot.messaging.model.Message;
import io.linegate.store.Digests;
import io.linegate.store.LinkStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Records, through the store, which LINE user each link token was issued for, as the bot issues it.
 * The site then starts a link only with a token the bot issued, and binds the account-link nonce to
 * that user, so that an {@code accountLink} event of another user cannot use the nonce. Only the
 * token's digest is kept.
 */
final class LinkTokenRecorder implements Outbound {
    /** How long a link token is valid (Messaging API reference, "Issue link token": 10 minutes). */
    static final Duration LINK_TOKEN_VALIDITY = Duration.ofMinutes(10);

    private final Outbound delegate;
    private final LinkStore links;
    private final Clock clock;

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
    public void push(String to, List<Message> messages) throws Exception {
        delegate.push(to, messages);
    }

    @Override
    public String issueLinkToken(String userId) throws Exception {
        Instant issued = clock.instant();
        String token = delegate.issueLinkToken(userId);
        links.recordLinkToken(Digests.sha256(token), userId, issued, issued.plus(LINK_TOKEN_VALIDITY));
        return token;
    }
}
