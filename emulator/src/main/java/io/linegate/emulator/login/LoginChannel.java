package io.linegate.emulator.login;

import io.linegate.core.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** One LINE Login channel and what the platform keeps for it: callback URLs, roles, LIFF apps, consents. */
public final class LoginChannel {
    /** The console accepts at most 400 callback URLs (LINE Login docs, "Integrating LINE Login with your web app"). */
    public static final int MAX_CALLBACK_URLS = 400;

    public enum Status { PUBLISHED, DEVELOPING }

    private final String channelId;
    private final Secret secret;
    private final String providerName;
    private final boolean certifiedProvider;
    private final String linkedBotChannelId; // null: no linked LINE Official Account
    private final boolean webOnly;
    private final boolean emailPermission;
    private final List<String> callbackUrls = new CopyOnWriteArrayList<>();
    private final Set<String> admins = ConcurrentHashMap.newKeySet();
    private final Set<String> testers = ConcurrentHashMap.newKeySet();
    private final Map<String, LiffApp> liffApps = new ConcurrentHashMap<>();
    /** userId -> the scopes the user has granted this channel (the consent screen is skipped for them). */
    private final Map<String, Set<String>> consents = new ConcurrentHashMap<>();
    private volatile Status status = Status.PUBLISHED;

    public LoginChannel(String channelId, Secret secret, String providerName, boolean certifiedProvider,
            String linkedBotChannelId, boolean webOnly, boolean emailPermission) {
        this.channelId = channelId;
        this.secret = secret;
        this.providerName = providerName;
        this.certifiedProvider = certifiedProvider;
        this.linkedBotChannelId = linkedBotChannelId;
        this.webOnly = webOnly;
        this.emailPermission = emailPermission;
    }

    public String channelId() {
        return channelId;
    }

    public Secret secret() {
        return secret;
    }

    public String providerName() {
        return providerName;
    }

    /** Under a certified provider the {@code bot_prompt=normal} option is pre-checked (§5.1). */
    public boolean certifiedProvider() {
        return certifiedProvider;
    }

    public String linkedBotChannelId() {
        return linkedBotChannelId;
    }

    /** Web app only: refresh and revoke then need the client secret (§5.3). */
    public boolean webOnly() {
        return webOnly;
    }

    public boolean emailPermission() {
        return emailPermission;
    }

    public Status status() {
        return status;
    }

    public void status(Status s) {
        this.status = s;
    }

    public Set<String> admins() {
        return admins;
    }

    public Set<String> testers() {
        return testers;
    }

    /** A developing channel lets only its admins and testers log in. */
    public boolean mayLogIn(String userId) {
        return status == Status.PUBLISHED || admins.contains(userId) || testers.contains(userId);
    }

    public List<String> callbackUrls() {
        return List.copyOf(callbackUrls);
    }

    /** Registers a callback URL as the console does; refuses a 401st and anything but an absolute http(s) URL. */
    public synchronized void addCallbackUrl(String url) {
        if (!validCallbackUrl(url)) {
            throw new IllegalArgumentException("a callback URL must be an absolute http(s) URL without a fragment: " + url);
        }
        if (callbackUrls.contains(url)) {
            return;
        }
        if (callbackUrls.size() >= MAX_CALLBACK_URLS) {
            throw new IllegalArgumentException("at most " + MAX_CALLBACK_URLS + " callback URLs per channel");
        }
        callbackUrls.add(url);
    }

    static boolean validCallbackUrl(String url) {
        try {
            URI u = new URI(url);
            return u.isAbsolute() && ("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
                    && u.getHost() != null && u.getRawFragment() == null;
        } catch (URISyntaxException | NullPointerException e) {
            return false;
        }
    }

    /**
     * Whether {@code redirectUri} is a registered callback URL, or one with query parameters added
     * (§5.1). Compared as strings, so that scheme, host, port and path must match exactly.
     */
    public boolean acceptsRedirect(String redirectUri) {
        if (redirectUri == null || redirectUri.indexOf('#') >= 0) {
            return false;
        }
        for (String r : callbackUrls) {
            if (redirectUri.equals(r)) {
                return true;
            }
            if (redirectUri.length() > r.length() + 1 && redirectUri.startsWith(r)) {
                char next = redirectUri.charAt(r.length());
                if (next == (r.indexOf('?') >= 0 ? '&' : '?')) {
                    return true;
                }
            }
        }
        return false;
    }

    public Map<String, LiffApp> liffApps() {
        return liffApps;
    }

    public Set<String> granted(String userId) {
        return consents.getOrDefault(userId, Set.of());
    }

    public void grant(String userId, Collection<String> scopes) {
        consents.computeIfAbsent(userId, k -> ConcurrentHashMap.newKeySet()).addAll(scopes);
    }

    /** Deauthorization withdraws the user's consent (§5.4, §5.6). */
    public void withdraw(String userId) {
        consents.remove(userId);
    }

    @Override
    public String toString() {
        return "LoginChannel[" + channelId + "]"; // never the secret
    }
}
