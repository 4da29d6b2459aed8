package io.linegate.cli.preflight;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import java.util.Map;

/**
 * LINE's own test request ({@code POST /v2/bot/channel/webhook/test}, what the console's Verify
 * button sends) reaches the bot server and gets a 200. LINE allows 60 of these an hour.
 */
final class WebhookTestCheck extends Check {
    WebhookTestCheck() {
        super("webhook.test", "LINE's test webhook", Guidelines.RELEASE, Gates.LINE);
    }

    @Override
    public CheckResult run(Deployment d) throws Exception {
        String body = Json.mapper().writeValueAsString(Map.of("endpoint", d.target.webhookUrl().toString()));
        Http.Response res = d.linePost("/v2/bot/channel/webhook/test", body);
        if (res.status() == 429) {
            return warn("not checked: LINE's test endpoint is rate limited (60 requests an hour); try again later");
        }
        if (!res.ok()) {
            return fail("POST /v2/bot/channel/webhook/test: " + res.outcome() + " "
                    + Deployment.json(res.body()).path("message").asText(""));
        }
        JsonNode r = Deployment.json(res.body());
        Map<String, Object> details = Map.of("success", r.path("success").asBoolean(), "statusCode", r.path("statusCode").asInt(),
                "reason", r.path("reason").asText(), "detail", r.path("detail").asText());
        if (r.path("success").asBoolean()) {
            return result(Status.PASS, "LINE's test request to " + d.target.webhookUrl() + " got " + r.path("statusCode").asInt(),
                    details);
        }
        return result(Status.FAIL, "LINE's test request failed: " + r.path("reason").asText() + " ("
                + r.path("detail").asText() + ")", details);
    }
}
