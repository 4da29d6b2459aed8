package io.linegate.login;

/** An ID token that failed verification; the message names the check, never the token. */
public final class InvalidIdTokenException extends Exception {
    InvalidIdTokenException(String message) {
        super(message);
    }
}
