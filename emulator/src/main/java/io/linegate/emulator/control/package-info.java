/**
 * The control API ({@code /control/v1}) that plays the users and observes the platform, entered
 * through {@code ControlApi}. Internal to the emulator.
 */
package io.linegate.emulator.control;
