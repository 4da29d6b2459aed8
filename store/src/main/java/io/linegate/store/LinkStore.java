package io.linegate.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** ID links between LINE users and a site's members, the nonces that create them, and their audit trail. */
public interface LinkStore {

    void saveLinkNonce(String nonce, String memberId, Instant at);

    /** Uses a nonce once: the member it was issued for, if it exists, is unused and newer than {@code notBefore}. */
    Optional<String> useLinkNonce(String nonce, Instant notBefore, Instant now);

    /** Links (replacing any earlier link of either side) and records it in the audit trail. */
    void link(String lineUserId, String memberId, String via, Instant at);

    /** Removes the link of this LINE user or member, if any, recording who asked. Returns whether one existed. */
    boolean unlink(String lineUserId, String memberId, String requestedBy, Instant at);

    Optional<Link> linkOfUser(String lineUserId);

    Optional<Link> linkOfMember(String memberId);

    List<Link> links();

    void audit(String action, String lineUserId, String memberId, String detail, Instant at);

    List<AuditEntry> auditTrail(int limit);

    record Link(String lineUserId, String memberId, String via, Instant linkedAt) {}

    record AuditEntry(Instant at, String action, String lineUserId, String memberId, String detail) {}
}
