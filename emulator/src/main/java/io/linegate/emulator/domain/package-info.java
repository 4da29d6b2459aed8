/**
 * The emulated platform itself, under every adapter: channels and their settings, users, groups,
 * conversations (what bots sent, what users did and how each webhook went), content, channel access
 * tokens, reply tokens and retry keys, webhook delivery, and what users do ({@code UserActions}).
 * Its refusals are {@code ApiException}s in LINE's error shape. Internal to the emulator.
 */
package io.linegate.emulator.domain;
