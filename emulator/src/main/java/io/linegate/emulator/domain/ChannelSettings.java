package io.linegate.emulator.domain;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The console settings of a Messaging API channel that change how the platform behaves: LINE
 * Developers Console's webhook settings (URL, "Use webhook", redelivery, error statistics) and LINE
 * Official Account Manager's response settings (chat, greeting message, auto-reply messages), which
 * the two consoles keep in sync. Immutable; a channel swaps the whole value, so a reader never sees
 * half an update.
 */
public record ChannelSettings(String webhookUrl, boolean webhookActive, boolean redelivery, boolean autoReply,
        String autoReplyText, boolean greeting, String greetingText, boolean errorStatistics, boolean chat) {

    public ChannelSettings {
        autoReplyText = autoReplyText == null ? "Thank you for your message." : autoReplyText;
        greetingText = greetingText == null ? "Hello! Thank you for adding me as a friend." : greetingText;
    }

    /**
     * The platform refuses to turn everything off: with the webhook off, either auto-reply or the
     * greeting message must stay on (the guidelines' ON/OFF combination table). Returns why, or null.
     */
    /** {@code GET /v2/bot/info}'s {@code chatMode}: {@code chat} when chat is on in LINE Official Account Manager, else {@code bot}. */
    public String chatMode() {
        return chat ? "chat" : "bot";
    }

    /** {@code GET /v2/bot/info}'s {@code markAsReadMode}: {@code manual} when chat is on, else {@code auto}. */
    public String markAsReadMode() {
        return chat ? "manual" : "auto";
    }

    public String refusal() {
        if (!webhookActive && !autoReply && !greeting) {
            return "Webhook, auto-reply messages and greeting messages cannot all be turned off";
        }
        return null;
    }

    /**
     * A webhook URL the platform accepts: HTTPS, at most 500 characters; plain http only for loopback
     * bots (a local bot has no public certificate), or anywhere when {@code anyHttp} (a bot in
     * another container).
     */
    public static boolean validWebhookUrl(String url, boolean anyHttp) {
        if (url == null || url.isEmpty() || url.length() > 500) {
            return false;
        }
        try {
            URI u = new URI(url);
            if (u.getHost() == null) {
                return false;
            }
            if ("https".equalsIgnoreCase(u.getScheme())) {
                return true;
            }
            String h = u.getHost();
            return "http".equalsIgnoreCase(u.getScheme())
                    && (anyHttp || h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]") || h.startsWith("127."));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    public ChannelSettings withWebhookUrl(String url) {
        return new ChannelSettings(url, webhookActive, redelivery, autoReply, autoReplyText, greeting, greetingText,
                errorStatistics, chat);
    }
}
