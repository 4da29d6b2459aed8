package io.linegate.messaging.token;

/**
 * Issuing one more token would reach LINE's limit for its kind (30 v2.1 tokens per channel), so
 * linegate refuses before LINE would. Revoke unused tokens ({@code linegate tokens revoke}) first.
 */
public final class TokenLimitException extends IllegalStateException {
    TokenLimitException(String message) {
        super(message);
    }
}
