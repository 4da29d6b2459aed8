package io.linegate.messaging;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * URLs the guidelines and LINE docs, "Opening a URL in an external browser" and "Using LINE features with the LINE URL scheme" describe: where a link opens, and the LINE URL scheme. Every
 * builder percent-encodes in UTF-8 (spaces as {@code %20}, as LINE requires) and uses the
 * {@code https://line.me/R/} form; {@code line://} is deprecated because of takeover attacks.
 */
public final class LineUrls {
    private static final String R = "https://line.me/R/";

    private LineUrls() {}

    /** Opens {@code url} in the device's external browser ({@code openExternalBrowser=1}); not for LIFF URLs. */
    public static String inExternalBrowser(String url) {
        return withQueryParam(notLiff(url), "openExternalBrowser", "1");
    }

    /** Opens {@code url} in a Chrome Custom Tab on LINE for Android ({@code openInAppBrowser=0}); not for LIFF URLs. */
    public static String inChromeCustomTab(String url) {
        return withQueryParam(notLiff(url), "openInAppBrowser", "0");
    }

    /** The official account's profile, or its chat if the user is already a friend. */
    public static String officialAccount(String lineId) {
        return R + "ti/p/" + encode(atId(lineId));
    }

    /** Opens the official account's chat with {@code text} typed in, ready to send. */
    public static String messageToOfficialAccount(String lineId, String text) {
        return R + "oaMessage/" + encode(atId(lineId)) + "/?" + encode(text);
    }

    /** Lets the user recommend the official account to friends. */
    public static String recommendOfficialAccount(String lineId) {
        return R + "nv/recommendOA/" + encode(atId(lineId));
    }

    /** Shares {@code text} with a chosen chat. */
    public static String shareText(String text) {
        return R + "share?text=" + encode(text);
    }

    /** The camera (from chats only). */
    public static String camera() {
        return R + "nv/camera/";
    }

    /** The camera roll, one image or several (from chats only). */
    public static String cameraRoll(boolean multiple) {
        return R + "nv/cameraRoll/" + (multiple ? "multi" : "single");
    }

    /** The location picker (1:1 chats with the official account only). */
    public static String location() {
        return R + "nv/location/";
    }

    /** A sticker package in the sticker shop. */
    public static String stickerShop(String packageId) {
        return R + "shop/sticker/detail/" + encode(Objects.requireNonNull(packageId, "packageId"));
    }

    /** A LIFF app: {@code https://liff.line.me/{liffId}}, with an optional path and query appended. */
    public static String liff(String liffId, String pathAndQuery) {
        if (liffId == null || !liffId.matches("[0-9]+-[A-Za-z0-9]+")) {
            throw new IllegalArgumentException("liffId must look like 1234567890-AbcdEfgh, was " + liffId);
        }
        String tail = pathAndQuery == null || pathAndQuery.isEmpty() ? ""
                : (pathAndQuery.startsWith("/") || pathAndQuery.startsWith("?") ? pathAndQuery : "/" + pathAndQuery);
        return "https://liff.line.me/" + liffId + tail;
    }

    static String withQueryParam(String url, String name, String value) {
        URI u = URI.create(url);
        if (!"https".equalsIgnoreCase(u.getScheme()) && !"http".equalsIgnoreCase(u.getScheme())) {
            throw new IllegalArgumentException("url must be http or https, was " + url);
        }
        int hash = url.indexOf('#');
        String base = hash < 0 ? url : url.substring(0, hash);
        String fragment = hash < 0 ? "" : url.substring(hash);
        String sep = base.contains("?") ? (base.endsWith("?") || base.endsWith("&") ? "" : "&") : "?";
        return base + sep + name + "=" + value + fragment;
    }

    private static String notLiff(String url) {
        if (url != null && url.startsWith("https://liff.line.me/")) {
            throw new IllegalArgumentException("openExternalBrowser and openInAppBrowser do not work for LIFF URLs");
        }
        return Objects.requireNonNull(url, "url");
    }

    private static String atId(String lineId) {
        Objects.requireNonNull(lineId, "lineId");
        return lineId.startsWith("@") ? lineId : "@" + lineId;
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
