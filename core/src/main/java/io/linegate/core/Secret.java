package io.linegate.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A credential (channel secret, access token, admin token) that never prints itself.
 *
 * <p>{@link #toString()} is redacted so that a secret passed to a logger, an exception message or a
 * debugger's variable view does not leak. Code that really needs the value calls {@link #reveal()},
 * which makes each use visible in review. Every revealed value is also registered with
 * {@link Redaction}, the last line of defence in the log pipeline.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
        Redaction.register(value);
    }

    /** Wraps {@code value}; {@code what} names the setting in the error if it is missing. */
    public static Secret of(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is missing or blank");
        }
        return new Secret(value.strip());
    }

    public String reveal() {
        return value;
    }

    public byte[] bytes() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** Constant-time comparison, for checking presented credentials such as an admin token. */
    public boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(bytes(), presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret && MessageDigest.isEqual(bytes(), ((Secret) o).bytes());
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(value.length());
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}
