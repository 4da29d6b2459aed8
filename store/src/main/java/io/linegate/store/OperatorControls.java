package io.linegate.store;

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
}
