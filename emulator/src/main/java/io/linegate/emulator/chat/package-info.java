/**
 * The chat page: a browser adapter over the platform, entered through {@code ChatPage}. What users
 * do on it goes through the control API. Internal to the emulator.
 */
package io.linegate.emulator.chat;
