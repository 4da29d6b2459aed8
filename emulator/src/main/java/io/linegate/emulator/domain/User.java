package io.linegate.emulator.domain;

/** A LINE user known to the emulator (global: the same user can befriend several channels). */
public record User(String userId, String displayName, String pictureUrl, String statusMessage, String language) {}
