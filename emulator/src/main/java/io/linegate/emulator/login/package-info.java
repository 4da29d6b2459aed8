/**
 * The LINE Login, LIFF and account-link adapter ({@code access.line.me}, {@code liff.line.me} and the
 * Login paths of {@code api.line.me}): pages, the Login API and its control routes. Internal to the
 * emulator.
 */
package io.linegate.emulator.login;
