package io.linegate.emulator.login;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/** A LIFF app of a Login channel: its LIFF ID, endpoint URL (set in the console) and scopes. */
public final class LiffApp {
    private final String liffId;
    private final LoginChannel channel;
    private volatile List<String> scopes;
    private volatile String endpointUrl; // null until set
    /** What the LIFF Server API sets besides the endpoint and scopes: view type, description, features... */
    private volatile ObjectNode settings =
            JsonNodeFactory.instance.objectNode();

    public LiffApp(String liffId, LoginChannel channel, List<String> scopes, String endpointUrl) {
        if (!liffId.matches("\\d{1,20}-[A-Za-z0-9]{8}")) {
            throw new IllegalArgumentException("a LIFF ID looks like 1234567890-AbcdEfgh: " + liffId);
        }
        this.liffId = liffId;
        this.channel = channel;
        scopes(scopes);
        endpointUrl(endpointUrl);
    }

    public void scopes(List<String> scopes) {
        for (String s : scopes) {
            if (!List.of("openid", "profile", "email", "chat_message.write").contains(s)) {
                throw new IllegalArgumentException("LIFF app " + liffId + ": unknown scope " + s);
            }
        }
        this.scopes = List.copyOf(scopes);
    }

    public ObjectNode settings() {
        return settings.deepCopy();
    }

    public void settings(ObjectNode s) {
        this.settings = s.deepCopy();
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
