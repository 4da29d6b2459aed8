/**
 * The LINE Platform emulator's API, all that other modules use: {@link io.linegate.emulator.Emulator}
 * and its builder, {@link io.linegate.emulator.EmulatorConfig}, {@link io.linegate.emulator.ChannelInfo}
 * and {@link io.linegate.emulator.LoginChannelInfo}.
 *
 * <p>The packages under it are the emulator's own, not an API. From the bottom up: {@code domain}
 * (the platform: channels, users, groups, conversations, tokens, webhook delivery, its rules and
 * refusals), {@code http} (the request pipeline: routes, faults, authentication, rate limits, retry
 * keys, the OpenAPI check, LINE's error shape), and the adapters over them: {@code messaging} (the
 * Messaging API and channel access tokens), {@code login} (LINE Login, LIFF, the account-link
 * dialog), {@code control} (the control API that plays the users) and {@code chat} (the chat page).
 * Adapters depend on the layers below them, never the other way.
 */
package io.linegate.emulator;
