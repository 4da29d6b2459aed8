package io.linegate.login;

import io.linegate.store.LinkStore;
import io.linegate.store.LinkStore.Link;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ID linking (LINE Login docs, "Secure your login process"; Messaging API docs, "Link user accounts"): through the Messaging API's account-link flow or at LINE Login, with
 * unlinking at any time from either side.
 *
 * <ol>
 *   <li>The bot issues a link token for the LINE user and sends them a link to the site.</li>
 *   <li>The member logs in on the site; {@link #startLink} makes a nonce (256 random bits, single
 *       use, 10 minutes) stored with the member id, and returns the account-link dialog URL.</li>
 *   <li>LINE checks the user is the one the link token was issued for and sends an
 *       {@code accountLink} event; {@link #onAccountLinkEvent} links the event's user to the
 *       nonce's member on {@code ok}, and links nothing on {@code failed} (which has no source).</li>
 * </ol>
 * The link always goes to the member the nonce was issued for, never to one named by the request, so
 * a user cannot attach their LINE account to someone else's membership. Every link, unlink and
 * refusal is in the audit trail. Note: when a user removes the channel's permission in the LINE app,
 * LINE does not remove the link here; review such links with {@link LinkStore#links()}.
 */
public final class AccountLinks {
    private static final Logger log = LoggerFactory.getLogger(AccountLinks.class);
    static final Duration NONCE_VALIDITY = Duration.ofMinutes(10); // as long as the link token lives

    /** What an accountLink event did. */
    public enum Outcome { LINKED, FAILED_AT_LINE, REFUSED }

    private final LinkStore store;
    private final String dialogBase;
    private final Clock clock;

    /** {@code accessBase} is {@code https://access.line.me}, or the emulator's URL. */
    public AccountLinks(LinkStore store, String accessBase, Clock clock) {
        this.store = store;
        this.dialogBase = accessBase.replaceAll("/+$", "") + "/dialog/bot/accountLink";
        this.clock = clock;
    }

    /** The member {@code memberId} (logged in on the site) links the LINE user the link token was issued for. */
    public String startLink(String memberId, String linkToken) {
        if (memberId == null || memberId.isBlank() || linkToken == null || linkToken.isBlank()) {
            throw new IllegalArgumentException("a logged-in member and the link token from the bot are both required");
        }
        String nonce = Pkce.randomToken(32);
        store.saveLinkNonce(nonce, memberId, clock.instant());
        return dialogBase + "?linkToken=" + URLEncoder.encode(linkToken, StandardCharsets.UTF_8) + "&nonce=" + nonce;
    }

    /**
     * Handles an {@code accountLink} event.
     *
     * @param result     {@code link.result}: {@code ok} or {@code failed}
     * @param nonce      {@code link.nonce}
     * @param lineUserId {@code source.userId}; absent on {@code failed}
     */
    public Outcome onAccountLinkEvent(String result, String nonce, String lineUserId) {
        Instant now = clock.instant();
        if (!"ok".equals(result) || lineUserId == null) {
            store.audit("refused", lineUserId, null, "LINE reported the link as " + result, now);
            log.info("an account link failed at LINE (result {}); nothing linked", result);
            return Outcome.FAILED_AT_LINE;
        }
        Optional<String> member = nonce == null ? Optional.empty() : store.useLinkNonce(nonce, now.minus(NONCE_VALIDITY), now);
        if (member.isEmpty()) {
            store.audit("refused", lineUserId, null, "unknown, used or expired link nonce", now);
            log.warn("an accountLink event carried an unknown, used or expired nonce; nothing linked");
            return Outcome.REFUSED;
        }
        store.link(lineUserId, member.get(), "account-link", now);
        return Outcome.LINKED;
    }

    /**
     * Links at LINE Login (flow b): the member, logged in on the site, logged in with LINE too, and
     * {@code lineUserId} comes from that login's verified ID token ({@link LineLogin.LoggedIn}),
     * never from the browser.
     */
    public void linkAtLogin(String memberId, LineLogin.LoggedIn login) {
        store.link(login.lineUserId(), memberId, "line-login", clock.instant());
    }

    /** The member unlinks on the site. */
    public boolean unlinkMember(String memberId) {
        return store.unlink(null, memberId, "member " + memberId, clock.instant());
    }

    /** The LINE user unlinks from the bot (for example through a rich menu). */
    public boolean unlinkLineUser(String lineUserId) {
        return store.unlink(lineUserId, null, "LINE user", clock.instant());
    }

    public Optional<Link> linkOfMember(String memberId) {
        return store.linkOfMember(memberId);
    }

    public Optional<Link> linkOfLineUser(String lineUserId) {
        return store.linkOfUser(lineUserId);
    }
}
