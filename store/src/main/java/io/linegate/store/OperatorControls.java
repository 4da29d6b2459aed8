package io.linegate.store;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Run-time switches an operator flips without a restart: muted sources and maintenance mode. A
 * change is durable on return and is what every process sharing the store reads next.
 */
public interface OperatorControls {
    String MUTE = "mute";
    String MAINTENANCE = "maintenance";

    /** Subjects switched on for {@code kind}: muted source keys, or {@code "on"} for maintenance. */
    Set<String> controls(String kind);

    void setControl(String kind, String subject, boolean on);

    /**
     * Records that {@code actor} did {@code action} to {@code subject} (a source key, a dead letter's
     * id; may be null), durably on return. Never a token or a secret in any of them.
     */
    void audit(String actor, String action, String subject, String detail);

    /** The newest audit entries first, at most {@code limit}. */
    List<AuditEntry> auditTrail(int limit);

    /** One operator action: when, who (as the caller described itself), what, on what. */
    record AuditEntry(long id, Instant at, String actor, String action, String subject, String detail) {}
}
