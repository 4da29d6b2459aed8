package io.linegate.emulator.login;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/** A LIFF app of a Login channel: its LIFF ID, endpoint URL (set in the console) and scopes. */
public final class LiffApp {
    private final String liffId;
    private final LoginChannel channel;
    private final List<String> scopes;
    private volatile String endpointUrl; // null until set

    public LiffApp(String liffId, LoginChannel channel, List<String> scopes, String endpointUrl) {
        if (!liffId.matches("\\d{1,20}-[A-Za-z0-9]{8}")) {
            throw new IllegalArgumentException("a LIFF ID looks like 1234567890-AbcdEfgh: " + liffId);
        }
        for (String s : scopes) {
            if (!List.of("openid", "profile", "email", "chat_message.write").contains(s)) {
                throw new IllegalArgumentException("LIFF app " + liffId + ": unknown scope " + s);
            }
        }
        this.liffId = liffId;
        this.channel = channel;
        this.scopes = List.copyOf(scopes);
        endpointUrl(endpointUrl);
    }

    public String liffId() {
        return liffId;
    }

    public LoginChannel channel() {
        return channel;
    }

    public List<String> scopes() {
        return scopes;
    }

    public String endpointUrl() {
        return endpointUrl;
    }

    /**
     * The console requires https and no fragment (LIFF docs, "Using user data in LIFF apps and servers"); plain http is accepted on loopback,
     * so that a member site under test can run locally.
     */
    public void endpointUrl(String url) {
        if (url != null && !validEndpoint(url)) {
            throw new IllegalArgumentException("a LIFF endpoint URL must be https:// (plain http:// only on loopback),"
                    + " without a fragment: " + url);
        }
        this.endpointUrl = url;
    }

    static boolean validEndpoint(String url) {
        try {
            URI u = new URI(url);
            if (!u.isAbsolute() || u.getHost() == null || u.getRawFragment() != null) {
                return false;
            }
            if ("https".equals(u.getScheme())) {
                return true;
            }
            String h = u.getHost();
            return "http".equals(u.getScheme())
                    && (h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]") || h.startsWith("127."));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "LiffApp[" + liffId + "]";
    }
}
