package io.linegate.login;

import java.time.Instant;
import java.util.List;

/**
 * A verified ID token's claims (LINE Login docs, "Verify ID token"). {@code subject} is the LINE user id; trust it only
 * because the token was verified, never because a client sent it.
 */
public record IdToken(String subject, String audience, Instant issuedAt, Instant expiresAt, String nonce,
                      List<String> amr, String name, String picture, String email) {}
