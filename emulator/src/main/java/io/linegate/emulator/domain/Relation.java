package io.linegate.emulator.domain;

/** A user's relation to one bot. Only FRIEND receives messages; the others are dropped silently (§2.3). */
public enum Relation {
    NONE, FRIEND, BLOCKED
}
