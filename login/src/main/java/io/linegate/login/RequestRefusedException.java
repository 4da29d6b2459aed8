package io.linegate.login;

/**
 * A request the module refuses before doing anything: a missing or wrong CSRF token ({@code 403}),
 * too many logins or links started by one client ({@code 429}), a link token the bot never issued or
 * that expired ({@code 400}). {@link #getMessage()} is safe to show the user; it never holds a secret.
 */
public final class RequestRefusedException extends RuntimeException {
    private final int status;

    RequestRefusedException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The HTTP status to answer with. */
    public int status() {
        return status;
    }

    static RequestRefusedException forbidden(String message) {
        return new RequestRefusedException(403, message);
    }

    static RequestRefusedException tooMany() {
        return new RequestRefusedException(429, "Too many attempts from your network; wait a minute and try again.");
    }

    static RequestRefusedException badRequest(String message) {
        return new RequestRefusedException(400, message);
    }
}
