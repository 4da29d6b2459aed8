package io.linegate.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * ID links between LINE users and a site's members, what creates them (the link tokens the bot
 * issued and the account-link nonces the site issued), and their audit trail.
 *
 * <p>The contract every backend keeps:
 * <ul>
 *   <li><b>Only digests of secrets.</b> Link tokens and nonces are passed as SHA-256 digests by the
 *       caller: only equality is ever needed, so the store never holds a usable value.</li>
 *   <li><b>A nonce is single use, atomically.</b> Of any number of concurrent {@link #useLinkNonce}
 *       calls for one nonce, in any number of processes, at most one gets it.</li>
 *   <li><b>Expiry.</b> Link tokens and nonces are usable only before their {@code expiresAt};
 *       {@link #purgeExpired} deletes those whose expiry has passed, used or not.</li>
 *   <li><b>No silent replacement.</b> {@link #link} is atomic: it links only if neither the LINE user
 *       nor the member is linked to someone else, unless the caller passes {@code replace}; then the
 *       old links are removed in the same transaction. Every link, replaced link, unlink and
 *       refusal is in the audit trail, written in the same transaction as the change it records.</li>
 * </ul>
 * Note: when a user removes the channel's permission in the LINE app, LINE does not remove the link
 * here; review such links with {@link #links()}.
 */
public interface LinkStore {

    /** The bot issued a link token (its digest {@code tokenHash}) for {@code lineUserId}. */
    void recordLinkToken(String tokenHash, String lineUserId, Instant issuedAt, Instant expiresAt);

    /** The LINE user a recorded, unexpired link token was issued for. */
    Optional<String> linkTokenUser(String tokenHash, Instant now);

    void saveLinkNonce(LinkNonce nonce);

    /**
     * Uses a nonce once: the nonce if it exists, is unused and {@code now} is before its expiry, and it
     * is then used up; empty otherwise.
     */
    Optional<LinkNonce> useLinkNonce(String nonceHash, Instant now);

    /**
     * Links {@code lineUserId} and {@code memberId}, atomically. Without {@code replace}, a link of
     * either side to someone else is left alone and the outcome is {@link LinkResult.Outcome#WOULD_REPLACE}
     * with those links (audited as refused). With it, they are removed first (each audited as
     * {@code replaced}). Linking a pair that is already linked changes nothing.
     */
    LinkResult link(String lineUserId, String memberId, String via, boolean replace, Instant at);

    /** Removes the link of this LINE user or member, if any, recording who asked. Returns whether one existed. */
    boolean unlink(String lineUserId, String memberId, String requestedBy, Instant at);

    Optional<Link> linkOfUser(String lineUserId);

    Optional<Link> linkOfMember(String memberId);

    List<Link> links();

    void audit(String action, String lineUserId, String memberId, String detail, Instant at);

    List<AuditEntry> auditTrail(int limit);

    /** Deletes link tokens and nonces whose {@code expiresAt} is at or before {@code now}; returns how many. */
    int purgeExpired(Instant now);

    record Link(String lineUserId, String memberId, String via, Instant linkedAt) {}

    record AuditEntry(Instant at, String action, String lineUserId, String memberId, String detail) {}

    /**
     * An account-link nonce: the member it was issued for, the link token it was issued with (digest)
     * and the LINE user that token was issued for; {@code mayReplace} if the member confirmed replacing
     * an existing link.
     */
    record LinkNonce(String nonceHash, String memberId, String linkTokenHash, String lineUserId, boolean mayReplace,
                     Instant createdAt, Instant expiresAt) {
        @Override
        public String toString() {
            return "LinkNonce[member=" + memberId + ", lineUser=" + lineUserId + ", mayReplace=" + mayReplace
                    + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** What {@link #link} did; {@code existing} are the links it replaced or would have replaced. */
    record LinkResult(Outcome outcome, List<Link> existing) {
        public enum Outcome { LINKED, ALREADY_LINKED, REPLACED, WOULD_REPLACE }

        public boolean linked() {
            return outcome != Outcome.WOULD_REPLACE;
        }
    }
}
