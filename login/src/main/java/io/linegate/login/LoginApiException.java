package io.linegate.login;

/**
 * LINE Login refused a request. The message carries LINE's {@code error} and
 * {@code error_description} (for example {@code invalid_grant}), never a token or code.
 */
public final class LoginApiException extends Exception {
    private final int status;
    private final String error;

    LoginApiException(int status, String error, String description) {
        super("LINE Login answered " + status + " " + error + (description.isEmpty() ? "" : ": " + description));
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    /** LINE's {@code error} code, such as {@code invalid_grant} or {@code invalid_request}. */
    public String error() {
        return error;
    }
}
