package io.linegate.emulator.messaging;

import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;
import static com.linecorp.armeria.common.HttpMethod.PUT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.ChannelSettings;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.RateLimiter.Limit;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.concurrent.CompletableFuture;

/** Webhook settings (Messaging API reference, "Webhook settings"): the endpoint URL, and its test. */
final class WebhookSettingsApi {
    private final Platform platform;

    WebhookSettingsApi(Platform platform) {
        this.platform = platform;
    }

    void register(Router r) {
        r.on(GET, "/v2/bot/channel/webhook/endpoint").limit(Limit.WEBHOOK_ENDPOINT).to(this::getWebhook);
        r.on(PUT, "/v2/bot/channel/webhook/endpoint").limit(Limit.WEBHOOK_ENDPOINT).to(this::putWebhook);
        r.on(POST, "/v2/bot/channel/webhook/test").limit(Limit.PER_HOUR_60).toAsync(this::testWebhook);
    }

    private Reply getWebhook(Call c) {
        String url = c.channel().settings().webhookUrl();
        if (url == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "Webhook endpoint not found");
        }
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("endpoint", url);
        b.put("active", c.channel().settings().webhookActive());
        return Reply.ok(b);
    }

    private Reply putWebhook(Call c) {
        String url = c.jsonObject().path("endpoint").asText("");
        if (!ChannelSettings.validWebhookUrl(url, platform.config().allowPlainHttpWebhooks)) {
            throw ApiException.badRequest("Invalid webhook endpoint URL");
        }
        Channel ch = c.channel();
        ch.settings(ch.settings().withWebhookUrl(url));
        return Reply.emptyObject();
    }

    private CompletableFuture<Reply> testWebhook(Call c) {
        Channel ch = c.channel();
        String url = ch.settings().webhookUrl();
        if (c.body().length > 0) {
            JsonNode endpoint = c.jsonObject().get("endpoint");
            if (endpoint != null && !endpoint.isNull()) {
                url = endpoint.asText();
                if (!ChannelSettings.validWebhookUrl(url, platform.config().allowPlainHttpWebhooks)) {
                    throw ApiException.badRequest("Invalid webhook endpoint URL");
                }
            }
        }
        if (url == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "Webhook endpoint not found");
        }
        return platform.webhooks().test(ch, url).thenApply(o -> {
            ObjectNode b = Json.mapper().createObjectNode();
            b.put("success", o.success());
            b.put("timestamp", Platform.iso(o.at()));
            b.put("statusCode", o.statusCode());
            b.put("reason", o.reason());
            b.put("detail", o.detail());
            return Reply.ok(b);
        });
    }
}
