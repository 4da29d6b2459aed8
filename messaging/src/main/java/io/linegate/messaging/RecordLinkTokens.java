package io.linegate.messaging;

import io.linegate.store.Digests;
import io.linegate.store.LinkStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Records, through the store, which LINE user each link token was issued for, before the caller sees
 * the token. The member site then starts a link only with a token the bot issued, and binds the
 * account-link nonce to that user, so that an {@code accountLink} event of another user cannot use
 * the nonce. Only the token's digest is kept.
 */
final class RecordLinkTokens implements SendInterceptor {
    /** How long a link token is valid (Messaging API reference, "Issue link token": 10 minutes). */
    static final Duration LINK_TOKEN_VALIDITY = Duration.ofMinutes(10);

    private final LinkStore links;
    private final Clock clock;

    RecordLinkTokens(LinkStore links, Clock clock) {
        this.links = links;
        this.clock = clock;
    }

    @Override
    public SendResult intercept(Chain chain) throws LineApiException, IOException {
        Send send = chain.send();
        if (send.endpoint() != Send.Endpoint.LINK_TOKEN) {
            return chain.proceed(send);
        }
        Instant issued = clock.instant();
        SendResult r = chain.proceed(send);
        links.recordLinkToken(Digests.sha256(r.linkToken()), send.userId(), issued, issued.plus(LINK_TOKEN_VALIDITY));
        return r;
    }
}
