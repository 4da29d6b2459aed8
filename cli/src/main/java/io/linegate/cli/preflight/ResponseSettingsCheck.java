package io.linegate.cli.preflight;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The combination of "Use webhook" with LINE Official Account Manager's auto-reply and greeting
 * messages is one the guidelines allow, and one that suits a bot. LINE's Messaging API shows only the
 * chat mode ({@code GET /v2/bot/info}); the rest is read where a console API exists (the emulator's
 * control API), and otherwise left to the operator with a pointer to the page.
 */
final class ResponseSettingsCheck extends Check {
    /** The consoles' response settings. */
    record Settings(boolean webhook, boolean autoReply, boolean greeting, boolean chat) {}

    /** The decision, kept apart from where the settings came from. */
    record Verdict(Status status, String reason) {}

    ResponseSettingsCheck() {
        super("response.settings", "webhook and auto-reply settings", Guidelines.AUTO_REPLY, Gates.LINE);
    }

    @Override
    public CheckResult run(Deployment d) {
        String chatMode = d.botInfo.path("chatMode").asText("unknown");
        URI console = d.target.consoleApi();
        String notReadable = "LINE's API does not show auto-reply and greeting messages: check LINE Official Account Manager"
                + " > Settings > Response settings (webhook on, auto-reply messages off); chat mode " + chatMode;
        if (console == null) {
            return skip(notReadable);
        }
        URI channels = URI.create(console.toString().replaceAll("/+$", "") + "/channels");
        Http.Response res = Http.get(d.strict, channels, Map.of(), d.timeout());
        if (!res.ok()) {
            return skip(notReadable + " (no console settings at " + channels + ": " + res.outcome() + ")");
        }
        String bot = d.botInfo.path("userId").asText();
        for (JsonNode ch : Deployment.json(res.body()).path("channels")) {
            if (bot.equals(ch.path("botUserId").asText())) {
                JsonNode s = ch.path("settings");
                Settings settings = new Settings(s.path("webhookActive").asBoolean(), s.path("autoReply").asBoolean(),
                        s.path("greeting").asBoolean(), s.path("chat").asBoolean());
                Verdict v = evaluate(settings);
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("webhook", settings.webhook());
                details.put("autoReply", settings.autoReply());
                details.put("greeting", settings.greeting());
                details.put("chat", settings.chat());
                details.put("chatMode", chatMode);
                return result(v.status(), v.reason(), details);
            }
        }
        return skip(notReadable + " (the console at " + channels + " has no channel with bot " + bot + ")");
    }

    /**
     * The guidelines' table: webhook off together with auto-reply and greeting off is not allowed (and
     * LINE's consoles refuse it). With the webhook on, auto-reply messages answer every message besides
     * the bot, which is allowed but rarely meant.
     */
    static Verdict evaluate(Settings s) {
        String shown = "webhook " + onOff(s.webhook()) + ", auto-reply " + onOff(s.autoReply()) + ", greeting "
                + onOff(s.greeting()) + ", chat " + onOff(s.chat());
        if (!s.webhook() && !s.autoReply() && !s.greeting()) {
            return new Verdict(Status.FAIL, shown + ": webhook, auto-reply and greeting messages all off is a combination"
                    + " the guidelines forbid (users would get no answer at all)");
        }
        if (!s.webhook()) {
            return new Verdict(Status.PASS, shown + ": allowed, but the bot receives nothing while the webhook is off");
        }
        if (s.autoReply()) {
            return new Verdict(Status.WARN, shown + ": every user message gets LINE's auto-reply as well as the bot's answer;"
                    + " turn auto-reply messages off in LINE Official Account Manager unless both are meant");
        }
        String chat = s.chat() ? " (chat on: staff may answer from LINE Official Account Manager too, and messages are"
                + " not marked as read automatically)" : "";
        return new Verdict(Status.PASS, shown + chat);
    }

    private static String onOff(boolean b) {
        return b ? "on" : "off";
    }
}
