package io.linegate.emulator.control;

import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.PUT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.ChannelSettings;
import io.linegate.emulator.domain.Platform;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The consoles' settings of a Messaging API channel, under {@code /control/v1/channels/{id}/settings}:
 * what LINE Developers Console sets under Messaging API &gt; Webhook settings (webhook URL, "Use
 * webhook", redelivery, error statistics) and LINE Official Account Manager under Settings &gt;
 * Response settings (chat, greeting message, auto-reply messages), which the two consoles keep in
 * sync, plus the message quota. As on the consoles, turning the webhook, auto-reply and greeting
 * messages all off is refused (development guidelines, "Webhook ON/OFF and auto reply message
 * settings"), and the refused change leaves every setting as it was.
 */
final class ConsoleApi {
    private static final Set<String> BOOLEANS = Set.of("webhookActive", "redelivery", "autoReply", "greeting",
            "errorStatistics", "chat");
    private static final Set<String> TEXTS = Set.of("webhookUrl", "autoReplyText", "greetingText");
    private final Platform platform;

    ConsoleApi(Platform platform) {
        this.platform = platform;
    }

    void register(Router r) {
        r.on(GET, ControlApi.PREFIX + "/channels/{channelId}/settings").control().to(this::get);
        r.on(PUT, ControlApi.PREFIX + "/channels/{channelId}/settings").control().to(this::put);
    }

    private Channel channel(Call c) {
        Channel ch = platform.state().channel(c.path("channelId"));
        if (ch == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "Channel not found");
        }
        return ch;
    }

    private Reply get(Call c) {
        Channel ch = channel(c);
        return Reply.ok(view(ch.settings(), ch.quotaLimit()));
    }

    private Reply put(Call c) {
        Channel ch = channel(c);
        JsonNode b = c.jsonObject();
        checkShape(b);
        ChannelSettings s = ch.settings();
        String url = b.has("webhookUrl") ? b.get("webhookUrl").asText(null) : s.webhookUrl();
        if (b.has("webhookUrl") && url != null && !ChannelSettings.validWebhookUrl(url, platform.config().allowPlainHttpWebhooks)) {
            throw ApiException.badRequest("Invalid webhook endpoint URL");
        }
        ChannelSettings next = new ChannelSettings(url,
                flag(b, "webhookActive", s.webhookActive()),
                flag(b, "redelivery", s.redelivery()),
                flag(b, "autoReply", s.autoReply()),
                b.has("autoReplyText") ? b.get("autoReplyText").asText() : s.autoReplyText(),
                flag(b, "greeting", s.greeting()),
                b.has("greetingText") ? b.get("greetingText").asText() : s.greetingText(),
                flag(b, "errorStatistics", s.errorStatistics()),
                flag(b, "chat", s.chat()));
        String refusal = next.refusal();
        if (refusal != null) {
            throw ApiException.badRequest(refusal);
        }
        ch.settings(next);
        if (b.has("quota")) {
            ch.quotaLimit(b.get("quota").isNull() ? null : b.get("quota").asLong());
        }
        return Reply.ok(view(next, ch.quotaLimit()));
    }

    /** Every property named, typed as the consoles have it; anything else is a 400 naming it. */
    private static void checkShape(JsonNode b) {
        List<Detail> problems = new ArrayList<>();
        for (Iterator<String> names = b.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            JsonNode v = b.get(name);
            if (BOOLEANS.contains(name)) {
                if (!v.isBoolean()) {
                    problems.add(new Detail("Must be true or false", name));
                }
            } else if (TEXTS.contains(name)) {
                if (!v.isTextual() && !(v.isNull() && name.equals("webhookUrl"))) {
                    problems.add(new Detail("Must be a string", name));
                }
            } else if (name.equals("quota")) {
                if (!v.isNull() && !(v.isIntegralNumber() && v.asLong() >= 0)) {
                    problems.add(new Detail("Must be a non-negative integer or null", name));
                }
            } else {
                problems.add(new Detail("Unknown setting", name));
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
    }

    private static boolean flag(JsonNode b, String name, boolean current) {
        return b.has(name) ? b.get(name).asBoolean() : current;
    }

    /** The settings, with what the Messaging API shows of them ({@code GET /v2/bot/info}'s chat and read modes). */
    private static ObjectNode view(ChannelSettings s, Long quota) {
        ObjectNode o = Json.mapper().valueToTree(s);
        o.put("chatMode", s.chatMode());
        o.put("markAsReadMode", s.markAsReadMode());
        if (quota == null) {
            o.putNull("quota");
        } else {
            o.put("quota", quota);
        }
        return o;
    }
}
