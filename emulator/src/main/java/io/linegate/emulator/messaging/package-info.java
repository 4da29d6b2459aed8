/**
 * The Messaging API and channel-access-token adapter ({@code api.line.me}, {@code api-data.line.me}),
 * one class per part of the reference, entered through {@code MessagingApi}. Internal to the emulator.
 */
package io.linegate.emulator.messaging;
