package io.linegate.emulator;

/**
 * What a bot needs to talk to an emulated channel. {@link #toString()} never shows the secret or the
 * token.
 */
public final class ChannelInfo {
    private final String channelId;
    private final String channelSecret;
    private final String botUserId;
    private final String accessToken;

    ChannelInfo(String channelId, String channelSecret, String botUserId, String accessToken) {
        this.channelId = channelId;
        this.channelSecret = channelSecret;
        this.botUserId = botUserId;
        this.accessToken = accessToken;
    }

    public String channelId() {
        return channelId;
    }

    public String channelSecret() {
        return channelSecret;
    }

    /** {@code U} + 32 hex: the {@code destination} of the channel's webhooks. */
    public String botUserId() {
        return botUserId;
    }

    /** A valid long-lived channel access token for this channel. */
    public String accessToken() {
        return accessToken;
    }

    @Override
    public String toString() {
        return "ChannelInfo[channelId=" + channelId + ", botUserId=" + botUserId + ", secret and token redacted]";
    }
}
