package io.linegate.emulator;

/**
 * What a module channel's provider needs: its channel id and secret (to issue its channel access
 * tokens and to exchange attach codes). {@link #toString()} never shows the secret.
 */
public final class ModuleChannelInfo {
    private final String channelId;
    private final String channelSecret;

    ModuleChannelInfo(String channelId, String channelSecret) {
        this.channelId = channelId;
        this.channelSecret = channelSecret;
    }

    public String channelId() {
        return channelId;
    }

    public String channelSecret() {
        return channelSecret;
    }

    @Override
    public String toString() {
        return "ModuleChannelInfo[channelId=" + channelId + ", secret redacted]";
    }
}
