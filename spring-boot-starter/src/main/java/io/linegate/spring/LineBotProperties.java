package io.linegate.spring;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code line.bot.*}: the official Spring Boot starter's properties, with its names and meanings, for
 * the application's one channel (more channels go under {@code linegate.channels}).
 */
@ConfigurationProperties(prefix = "line.bot")
public class LineBotProperties {
    /** The channel secret (Basic settings of the channel in the LINE Developers Console). */
    private String channelSecret;
    /** A channel access token given as it is; with {@code linegate.token-type} managed tokens need none. */
    private String channelToken;
    /** The Messaging API: LINE's, or the emulator's URL in tests. */
    private URI apiEndPoint = URI.create("https://api.line.me/");
    /** How long to wait to connect to the Messaging API. */
    private Duration connectTimeout = Duration.ofSeconds(10);
    /** How long to wait for each answer of the Messaging API. */
    private Duration readTimeout = Duration.ofSeconds(10);
    /** Accepted for the official starter's sake; linegate's read timeout bounds the whole request. */
    private Duration writeTimeout;
    /** Refused: linegate always verifies webhook signatures. */
    private boolean skipSignatureVerification;
    private final Handler handler = new Handler();

    public static class Handler {
        /** Whether the webhook path is mounted and {@code @EventMapping} methods are called. */
        private boolean enabled = true;
        /** The webhook path of the channel. */
        private String path = "/callback";

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getPath() { return path; }
        public void setPath(String path) { this.path = path; }
    }

    public String getChannelSecret() { return channelSecret; }
    public void setChannelSecret(String channelSecret) { this.channelSecret = channelSecret; }
    public String getChannelToken() { return channelToken; }
    public void setChannelToken(String channelToken) { this.channelToken = channelToken; }
    public URI getApiEndPoint() { return apiEndPoint; }
    public void setApiEndPoint(URI apiEndPoint) { this.apiEndPoint = apiEndPoint; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public Duration getReadTimeout() { return readTimeout; }
    public void setReadTimeout(Duration readTimeout) { this.readTimeout = readTimeout; }
    public Duration getWriteTimeout() { return writeTimeout; }
    public void setWriteTimeout(Duration writeTimeout) { this.writeTimeout = writeTimeout; }
    public boolean isSkipSignatureVerification() { return skipSignatureVerification; }
    public void setSkipSignatureVerification(boolean skip) { this.skipSignatureVerification = skip; }
    public Handler getHandler() { return handler; }

    // The official starter's LineBotProperties is a record: the same accessors, for code that reads it.

    /** How the official starter supplies the channel access token; see {@link ChannelTokenSupplyMode}. */
    private ChannelTokenSupplyMode channelTokenSupplyMode = ChannelTokenSupplyMode.FIXED;
    /** The content API (images, audience files): LINE's, or the emulator's URL in tests. Default: beside {@code api-end-point}. */
    private URI blobEndPoint;
    /** The Module Attach API: LINE's, or the emulator's URL in tests. Default: beside {@code api-end-point}. */
    private URI managerEndPoint;

    /**
     * The official starter's two ways to the channel access token: {@code FIXED}, {@code
     * line.bot.channel-token} as given; {@code SUPPLIER}, a token issued by the application (no {@code
     * channel-token}), which linegate does itself with {@code linegate.token-type}.
     */
    public enum ChannelTokenSupplyMode { FIXED, SUPPLIER }

    public ChannelTokenSupplyMode getChannelTokenSupplyMode() { return channelTokenSupplyMode; }
    public void setChannelTokenSupplyMode(ChannelTokenSupplyMode mode) { this.channelTokenSupplyMode = mode; }
    public URI getBlobEndPoint() { return blobEndPoint; }
    public void setBlobEndPoint(URI blobEndPoint) { this.blobEndPoint = blobEndPoint; }
    public URI getManagerEndPoint() { return managerEndPoint; }
    public void setManagerEndPoint(URI managerEndPoint) { this.managerEndPoint = managerEndPoint; }

    public ChannelTokenSupplyMode channelTokenSupplyMode() { return channelTokenSupplyMode; }
    public String channelToken() { return channelToken; }
    public String channelSecret() { return channelSecret; }
    public URI apiEndPoint() { return apiEndPoint; }

    /** {@code https://api-data.line.me/} beside LINE's API, the API's own base otherwise (the emulator serves both). */
    public URI blobEndPoint() {
        return blobEndPoint != null ? blobEndPoint : beside(apiEndPoint, "api-data.line.me");
    }

    /** {@code https://manager.line.biz/} beside LINE's API, the API's own base otherwise. */
    public URI managerEndPoint() {
        return managerEndPoint != null ? managerEndPoint : beside(apiEndPoint, "manager.line.biz");
    }

    private static URI beside(URI api, String host) {
        return "api.line.me".equalsIgnoreCase(api.getHost()) ? URI.create("https://" + host + "/") : api;
    }

    public Duration connectTimeout() { return connectTimeout; }
    public Duration readTimeout() { return readTimeout; }
    public Duration writeTimeout() { return writeTimeout; }
    public boolean skipSignatureVerification() { return skipSignatureVerification; }

    @Override
    public String toString() {
        return "LineBotProperties[path=" + handler.path + ", apiEndPoint=" + apiEndPoint + "]";
    }
}
