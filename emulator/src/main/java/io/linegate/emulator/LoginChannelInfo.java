package io.linegate.emulator;

import java.util.List;

/**
 * What a member site needs to use an emulated LINE Login channel. {@link #toString()} never shows the
 * secret.
 */
public final class LoginChannelInfo {
    private final String channelId;
    private final String channelSecret;
    private final List<String> liffIds;

    LoginChannelInfo(String channelId, String channelSecret, List<String> liffIds) {
        this.channelId = channelId;
        this.channelSecret = channelSecret;
        this.liffIds = List.copyOf(liffIds);
    }

    public String channelId() {
        return channelId;
    }

    public String channelSecret() {
        return channelSecret;
    }

    /** The channel's first LIFF app ({@code 1234567890-AbcdEfgh}), or null if it has none. */
    public String liffId() {
        return liffIds.isEmpty() ? null : liffIds.get(0);
    }

    public List<String> liffIds() {
        return liffIds;
    }

    @Override
    public String toString() {
        return "LoginChannelInfo[channelId=" + channelId + ", liffIds=" + liffIds + ", secret redacted]";
    }
}
