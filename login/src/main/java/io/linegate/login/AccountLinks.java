package io.linegate.login;

import io.linegate.store.Digests;
import io.linegate.store.LinkStore;
import io.linegate.store.LinkStore.Link;
import io.linegate.store.LinkStore.LinkNonce;
import io.linegate.store.LinkStore.LinkResult;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ID linking (LINE Login docs, "Secure your login process"; Messaging API docs, "Link user
 * accounts"), designed against spoofing: through the Messaging API's account-link flow or at LINE
 * Login, with unlinking at any time from either side.
 *
 * <p>The account-link flow:
 * <ol>
 *   <li>The bot issues a link token for the LINE user ({@code EventContext.issueLinkToken()}), which
 *       records in the store which user it was issued for, and sends them a link to the site.</li>
 *   <li>The member signs in on the site and confirms; the site posts {@link #startLink} with the CSRF
 *       token of the member's session. A link token the bot did not issue, or that expired, is
 *       refused. The nonce (256 random bits, single use, 10 minutes) is stored as a digest with the
 *       member, the link token and the LINE user it was issued for.</li>
 *   <li>LINE sends an {@code accountLink} event; {@link #onAccountLinkEvent} links the event's user to
 *       the nonce's member only if the event's user is the one the nonce's link token was issued for,
 *       and links nothing on {@code failed} (which has no source).</li>
 * </ol>
 * Linking at LINE Login: the member posts {@link LineLogin#beginLink}; after the callback,
 * {@link #propose} describes the link for the member to confirm, and {@link #confirm} (a POST with
 * {@link #confirmationToken}, the CSRF token of the session that was shown the confirmation, for that
 * ticket only) makes it. A ticket is confirmed once at most: its nonce is stored as a digest (single
 * use, 10 minutes, like the account-link flow's) and used up by the first confirmation.
 *
 * <p>In both flows the link goes to the member who started it in their own session, never to one
 * named by a request, and a link never silently replaces another: if the member or the LINE user
 * is already linked to someone else, it is refused unless the member confirmed replacing it, and
 * then both the old and the new link are in the audit trail. Every link, unlink and refusal is
 * audited. Run {@link #purgeExpired} every minute or so (the server's housekeeping does) so that
 * unused nonces and link tokens do not pile up.
 */
public final class AccountLinks {
    private static final Logger log = LoggerFactory.getLogger(AccountLinks.class);
    static final Duration NONCE_VALIDITY = Duration.ofMinutes(10); // as long as the link token lives
    static final Duration PROPOSAL_VALIDITY = Duration.ofMinutes(10);
    /**
     * The link token digest of a link nonce that a confirmation at LINE Login uses up: it had no link
     * token. Never a SHA-256 hex digest, so that no accountLink event can use such a nonce.
     */
    static final String AT_LOGIN = "line-login";

    /** What an accountLink event did. */
    public enum Outcome { LINKED, FAILED_AT_LINE, REFUSED, WOULD_REPLACE }

    /**
     * A link at LINE Login for the member to confirm: the LINE user the login verified, the links it
     * would replace (of the member, of the LINE user), and the sealed ticket the confirmation posts back.
     */
    public record LinkProposal(String memberId, String lineUserId, Optional<Link> memberLink, Optional<Link> lineUserLink,
                               String ticket) {
        /** Whether confirming this needs the member to agree to replace an existing link. */
        public boolean replaces() {
            return memberLink.filter(l -> !l.lineUserId().equals(lineUserId)).isPresent()
                    || lineUserLink.filter(l -> !l.memberId().equals(memberId)).isPresent();
        }

        @Override
        public String toString() {
            return "LinkProposal[member=" + memberId + ", lineUser=" + lineUserId + "]";
        }
    }

    private final LinkStore store;
    private final String dialogBase;
    private final Clock clock;
    private final CsrfTokens csrf;
    private final LoginStartLimit starts;

    private AccountLinks(Builder b) {
        this.store = b.store;
        this.dialogBase = b.accessBase.replaceAll("/+$", "") + "/dialog/bot/accountLink";
        this.clock = b.clock;
        this.csrf = b.csrf;
        this.starts = new LoginStartLimit(b.startsPerClientPerMinute, b.maxTrackedClients);
    }

    public static Builder builder(LinkStore store) {
        return new Builder(store);
    }

    // ---- the account-link flow --------------------------------------------------------------------

    /** The LINE user the bot issued {@code linkToken} for, while it is valid: for the site's confirmation page. */
    public Optional<String> linkTokenUser(String linkToken) {
        if (linkToken == null || linkToken.isBlank()) {
            return Optional.empty();
        }
        return store.linkTokenUser(Digests.sha256(linkToken), clock.instant());
    }

    /**
     * The signed-in member confirmed linking the LINE user the link token was issued for: returns the
     * account-link dialog URL to send the browser to.
     *
     * @param replaceConfirmed the member confirmed replacing their current link, or the LINE user's
     * @throws RequestRefusedException 403 without a matching CSRF token; 400 for a link token the bot
     *                                 did not issue or that expired; 429 for too many starts
     */
    public String startLink(LinkRequest request, String linkToken, boolean replaceConfirmed) {
        LineLogin.checkMember(csrf, request);
        // Counted per member (signed in: checked above), never against the anonymous cap of an address.
        if (!starts.tryStart("member:" + request.memberId(), clock.instant())) {
            log.warn("a client started too many account links this minute; refused with 429");
            throw RequestRefusedException.tooMany();
        }
        Instant now = clock.instant();
        String tokenHash = linkToken == null || linkToken.isBlank() ? null : Digests.sha256(linkToken);
        Optional<String> lineUser = tokenHash == null ? Optional.empty() : store.linkTokenUser(tokenHash, now);
        if (lineUser.isEmpty()) {
            store.audit("refused", null, request.memberId(), "a link was started with a link token the bot did not issue"
                    + " or that expired", now);
            throw RequestRefusedException.badRequest("This link has expired or did not come from our official account;"
                    + " send \"link my account\" to it again.");
        }
        String nonce = Pkce.randomToken(32);
        store.saveLinkNonce(new LinkNonce(Digests.sha256(nonce), request.memberId(), tokenHash, lineUser.get(),
                replaceConfirmed, now, now.plus(NONCE_VALIDITY)));
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
        Optional<LinkNonce> issued = nonce == null || nonce.isEmpty() ? Optional.empty()
                : store.useLinkNonce(Digests.sha256(nonce), now);
        if (issued.isEmpty()) {
            store.audit("refused", lineUserId, null, "unknown, used or expired link nonce", now);
            log.warn("an accountLink event carried an unknown, used or expired nonce; nothing linked");
            return Outcome.REFUSED;
        }
        LinkNonce n = issued.get();
        if (AT_LOGIN.equals(n.linkTokenHash())) {
            store.audit("refused", lineUserId, n.memberId(), "an accountLink event carried the nonce of a confirmation at"
                    + " LINE Login", now);
            log.warn("an accountLink event carried the nonce of a link confirmation at LINE Login; nothing linked");
            return Outcome.REFUSED;
        }
        if (!n.lineUserId().equals(lineUserId)) {
            store.audit("refused", lineUserId, n.memberId(), "the nonce was issued with the link token of another LINE user ("
                    + n.lineUserId() + ")", now);
            log.warn("an accountLink event's user is not the one the nonce's link token was issued for; nothing linked");
            return Outcome.REFUSED;
        }
        LinkResult r = store.link(lineUserId, n.memberId(), "account-link", n.mayReplace(), now);
        if (!r.linked()) {
            log.info("an account link would replace an existing link the member did not confirm replacing; nothing linked");
            return Outcome.WOULD_REPLACE;
        }
        return Outcome.LINKED;
    }

    // ---- linking at LINE Login ----------------------------------------------------------------------

    /**
     * The link a login started with {@link LineLogin#beginLink} would make, for the member to confirm.
     *
     * @throws IllegalArgumentException for a sign-in login: it was never meant to link anything
     */
    public LinkProposal propose(LineLogin.LoggedIn login) {
        if (login.linkMemberId() == null) {
            throw new IllegalArgumentException("this login was a sign-in, not started to link a member (use beginLink)");
        }
        Instant now = clock.instant();
        Instant expires = Instant.ofEpochSecond(now.plus(PROPOSAL_VALIDITY).getEpochSecond());
        String nonce = Pkce.randomToken(32);
        store.saveLinkNonce(new LinkNonce(confirmationDigest(nonce), login.linkMemberId(), AT_LOGIN, login.lineUserId(), false,
                now, expires));
        return proposal(login.linkMemberId(), login.lineUserId(), expires.getEpochSecond(), nonce);
    }

    private static String confirmationDigest(String nonce) {
        return Digests.sha256("link-confirmation:" + nonce);
    }

    private LinkProposal proposal(String memberId, String lineUserId, long expires, String nonce) {
        String body = b64(memberId) + "." + b64(lineUserId) + "." + expires + "." + nonce;
        return new LinkProposal(memberId, lineUserId, store.linkOfMember(memberId), store.linkOfUser(lineUserId),
                body + "." + csrf.seal("link-proposal", body));
    }

    /**
     * The proposal a confirmation page shows, read back from its ticket, if the ticket is genuine,
     * unexpired and is for {@code memberId}.
     */
    public Optional<LinkProposal> proposal(String memberId, String ticket) {
        return sealed(memberId, ticket).map(t -> proposal(t.memberId(), t.lineUserId(), t.expires(), t.nonce()));
    }

    private record Ticket(String memberId, String lineUserId, long expires, String nonce) {}

    private Optional<Ticket> sealed(String memberId, String ticket) {
        if (ticket == null || memberId == null) {
            return Optional.empty();
        }
        int mac = ticket.lastIndexOf('.');
        if (mac < 0 || !CsrfTokens.equal(csrf.seal("link-proposal", ticket.substring(0, mac)), ticket.substring(mac + 1))) {
            return Optional.empty();
        }
        String[] parts = ticket.substring(0, mac).split("\\.");
        if (parts.length != 4) {
            return Optional.empty();
        }
        try {
            String member = unb64(parts[0]);
            long expires = Long.parseLong(parts[2]);
            if (!member.equals(memberId) || clock.instant().getEpochSecond() >= expires) {
                return Optional.empty();
            }
            return Optional.of(new Ticket(member, unb64(parts[1]), expires, parts[3]));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The CSRF token of the form that confirms {@code ticket}, for the session {@code siteSessionId} that
     * is shown it: valid for that session and that ticket only (a token of the member's other session, or
     * of another ticket, is refused by {@link #confirm}).
     */
    public String confirmationToken(String siteSessionId, String ticket) {
        if (siteSessionId == null || siteSessionId.isEmpty()) {
            throw new IllegalArgumentException("a confirmation is bound to a session: the session id is required");
        }
        return csrf.seal("link-confirmation", siteSessionId, ticket == null ? "" : ticket);
    }

    /**
     * The member confirmed the link of {@code ticket} ({@link #propose}) in a POST whose CSRF token is
     * {@link #confirmationToken} of their session and this ticket. The ticket is used up by this call,
     * whatever its outcome (a refused replacement included: the member starts again).
     *
     * @param replaceConfirmed the member confirmed replacing their current link, or the LINE user's
     * @throws RequestRefusedException 403 without a matching token, or for a ticket that is not this
     *                                 member's, has expired or was used
     */
    public LinkResult confirm(LinkRequest request, String ticket, boolean replaceConfirmed) {
        if (request == null || request.memberId() == null || request.memberId().isBlank()) {
            throw RequestRefusedException.forbidden("Sign in first, then link your LINE account from your page.");
        }
        if (request.siteSessionId() == null || request.siteSessionId().isEmpty()
                || !CsrfTokens.equal(confirmationToken(request.siteSessionId(), ticket), request.csrfToken())) {
            throw RequestRefusedException.forbidden("The form is stale or did not come from this site; reload the page.");
        }
        Ticket t = sealed(request.memberId(), ticket).orElseThrow(() -> RequestRefusedException.forbidden(
                "This confirmation has expired or is not yours; link your LINE account again from your page."));
        Instant now = clock.instant();
        Optional<LinkNonce> used = store.useLinkNonce(confirmationDigest(t.nonce()), now);
        if (used.isEmpty() || !AT_LOGIN.equals(used.get().linkTokenHash()) || !used.get().memberId().equals(t.memberId())
                || !used.get().lineUserId().equals(t.lineUserId())) {
            store.audit("refused", t.lineUserId(), t.memberId(), "a link confirmation at LINE Login was used again or expired", now);
            throw RequestRefusedException.forbidden(
                    "This confirmation was already used or has expired; link your LINE account again from your page.");
        }
        return store.link(t.lineUserId(), t.memberId(), "line-login", replaceConfirmed, now);
    }

    // ---- either side --------------------------------------------------------------------------------

    /** The member unlinks on the site (after a POST with their CSRF token). */
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

    /** The tokens that guard starting and confirming links. */
    public CsrfTokens csrfTokens() {
        return csrf;
    }

    /** Deletes link nonces and link-token records that expired, used or not; returns how many. */
    public int purgeExpired(Instant now) {
        return store.purgeExpired(now);
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
    }

    public static final class Builder {
        private final LinkStore store;
        private String accessBase = "https://access.line.me";
        private Clock clock = Clock.systemUTC();
        private CsrfTokens csrf = CsrfTokens.random();
        private int startsPerClientPerMinute = 20;
        private int maxTrackedClients = 10_000;

        private Builder(LinkStore store) {
            this.store = Objects.requireNonNull(store, "link store");
        }

        /** {@code https://access.line.me} [default], or the emulator's URL. */
        public Builder accessBase(String accessBase) { this.accessBase = accessBase; return this; }

        public Builder clock(Clock clock) { this.clock = clock; return this; }

        /** The tokens that guard starting and confirming links: the same as {@link LineLogin}'s. */
        public Builder csrfTokens(CsrfTokens csrf) { this.csrf = Objects.requireNonNull(csrf, "csrf"); return this; }

        /** How many links one signed-in member may start a minute [20], and how many members are counted [10,000]. */
        public Builder startLimit(int perClientPerMinute, int maxClients) {
            this.startsPerClientPerMinute = perClientPerMinute;
            this.maxTrackedClients = maxClients;
            return this;
        }

        public AccountLinks build() {
            return new AccountLinks(this);
        }
    }
}
