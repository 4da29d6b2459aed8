package io.linegate.emulator.login;

import io.linegate.core.Secret;
import io.linegate.emulator.domain.EmulatorState;
import io.linegate.emulator.domain.Ids;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What users type on the emulated login page. A user without credentials of their own logs in with
 * {@code <userId>@emulator.local} and {@code password}, so that any user created through the control
 * API can log in without another step.
 */
public final class Credentials {
    public static final String DEFAULT_DOMAIN = "@emulator.local";
    public static final String DEFAULT_PASSWORD = "password";

    private record Entry(String email, Secret password) {}

    private final EmulatorState state;
    private final Map<String, Entry> byUser = new ConcurrentHashMap<>();

    public Credentials(EmulatorState state) {
        this.state = state;
    }

    /** Sets a user's email and password; an email another user has is refused. */
    public synchronized void set(String userId, String email, String password) {
        if (email == null || !email.contains("@") || email.isBlank() || password == null || password.isEmpty()) {
            throw new IllegalArgumentException("email and password are required");
        }
        String normalized = email.strip().toLowerCase(Locale.ROOT);
        String owner = userOf(normalized);
        if (owner != null && !owner.equals(userId)) {
            throw new IllegalArgumentException("the email address belongs to another user");
        }
        byUser.put(userId, new Entry(normalized, Secret.of(password, "password")));
    }

    /** The user's email: their own, or the default one. */
    public String email(String userId) {
        Entry e = byUser.get(userId);
        return e != null ? e.email() : userId + DEFAULT_DOMAIN;
    }

    /** The user who logs in with {@code email} and {@code password}, or null. */
    public String authenticate(String email, String password) {
        if (email == null || password == null) {
            return null;
        }
        String userId = userOf(email.strip().toLowerCase(Locale.ROOT));
        if (userId == null || !state.users().containsKey(userId)) {
            return null;
        }
        Entry e = byUser.get(userId);
        boolean ok = e != null ? e.password().matches(password)
                : MessageDigest.isEqual(DEFAULT_PASSWORD.getBytes(), password.getBytes());
        return ok ? userId : null;
    }

    private String userOf(String email) {
        for (Map.Entry<String, Entry> e : byUser.entrySet()) {
            if (e.getValue().email().equals(email)) {
                return e.getKey();
            }
        }
        // The default address works only for users who have not been given one of their own.
        if (email.endsWith(DEFAULT_DOMAIN)) {
            String id = "U" + email.substring(1, email.length() - DEFAULT_DOMAIN.length());
            if (Ids.isUserId(id) && !byUser.containsKey(id)) {
                return id;
            }
        }
        return null;
    }
}
