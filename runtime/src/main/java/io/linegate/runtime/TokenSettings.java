package io.linegate.runtime;

import com.linecorp.bot.client.base.channel.ChannelTokenSupplier;
import com.nimbusds.jose.jwk.RSAKey;
import io.linegate.core.Secret;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the channel access token comes from, as plain settings; {@link LinegateRuntime} builds the
 * token manager from them. Secrets stay {@link Secret}s: {@link #toString()} shows the kind only.
 *
 * @param type          how tokens are obtained
 * @param channelId     the channel, for tokens linegate issues (short-lived, stateless, v2.1)
 * @param channelSecret the channel secret, for short-lived and stateless tokens (and v2.1's revocation)
 * @param accessToken   the given token, for {@code FIXED} and {@code LONG_LIVED}
 * @param assertionKey  the private RSA JWK registered on the console, with its key id, for {@code V21}
 * @param lifetime      the lifetime of v2.1 tokens (at most 30 days)
 * @param supplier      the application's source of the token, for {@code SUPPLIED}
 */
public record TokenSettings(Type type, String channelId, Secret channelSecret, Secret accessToken, RSAKey assertionKey,
                            Duration lifetime, ChannelTokenSupplier supplier) {

    /** How tokens are obtained. */
    public enum Type {
        /** No sending. */
        NONE,
        /** A token given as it is and never renewed (the emulator's, in tests). */
        FIXED,
        /** A long-lived token from the console: accepted with a warning, the guidelines advise against it. */
        LONG_LIVED,
        /** Short-lived tokens (30 days) issued with the channel id and secret, shared through the store. */
        SHORT_LIVED,
        /** Stateless tokens (15 minutes) issued with the channel id and secret. */
        STATELESS,
        /** Tokens v2.1, issued with a JWT signed by the assertion key. */
        V21,
        /**
         * Asked of the application's supplier at every request (a Spring application's own {@code
         * ChannelTokenSupplier}); not issued, renewed or cached by linegate.
         */
        SUPPLIED
    }

    public TokenSettings {
        Objects.requireNonNull(type, "token type");
        switch (type) {
            case FIXED, LONG_LIVED -> {
                if (accessToken == null) {
                    throw new IllegalArgumentException(type == Type.FIXED ? "a fixed token needs the token"
                            : "long-lived tokens need LINE_CHANNEL_ACCESS_TOKEN");
                }
            }
            case SHORT_LIVED, STATELESS, V21 -> {
                String kind = type.name().toLowerCase(Locale.ROOT).replace('_', '-').replace("v21", "v2.1");
                if (channelId == null || channelId.isBlank()) {
                    throw new IllegalArgumentException("managed " + kind + " tokens need the channel id: set LINE_CHANNEL_ID");
                }
                if (channelSecret == null) {
                    throw new IllegalArgumentException("managed " + kind + " tokens need the channel secret: set LINE_CHANNEL_SECRET");
                }
                if (type == Type.V21 && assertionKey == null) {
                    throw new IllegalArgumentException("v2.1 tokens need the assertion key: set LINE_ASSERTION_KEY_FILE"
                            + " to the private RSA JWK (with the kid the console gave)");
                }
            }
            case SUPPLIED -> Objects.requireNonNull(supplier, "a supplied token needs its supplier");
            default -> { }
        }
        if (lifetime == null) {
            lifetime = Duration.ofDays(30);
        }
    }

    public static TokenSettings none() {
        return new TokenSettings(Type.NONE, null, null, null, null, null, null);
    }

    public static TokenSettings fixed(Secret token) {
        return new TokenSettings(Type.FIXED, null, null, token, null, null, null);
    }

    public static TokenSettings longLived(Secret token) {
        return new TokenSettings(Type.LONG_LIVED, null, null, token, null, null, null);
    }

    public static TokenSettings shortLived(String channelId, Secret channelSecret) {
        return new TokenSettings(Type.SHORT_LIVED, channelId, channelSecret, null, null, null, null);
    }

    public static TokenSettings stateless(String channelId, Secret channelSecret) {
        return new TokenSettings(Type.STATELESS, channelId, channelSecret, null, null, null, null);
    }

    public static TokenSettings v21(String channelId, Secret channelSecret, RSAKey assertionKey, Duration lifetime) {
        return new TokenSettings(Type.V21, channelId, channelSecret, null, assertionKey, lifetime, null);
    }

    /** The token asked of {@code supplier} at every request (the application keeps it valid). */
    public static TokenSettings supplied(ChannelTokenSupplier supplier) {
        return new TokenSettings(Type.SUPPLIED, null, null, null, null, null, supplier);
    }

    public boolean sends() {
        return type != Type.NONE;
    }

    /** The kind and channel only: never a secret, a token or a key. */
    @Override
    public String toString() {
        return "TokenSettings[" + type + (channelId == null ? "" : ", channel " + channelId) + "]";
    }
}
