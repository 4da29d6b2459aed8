package io.linegate.cli.preflight;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Map;
import java.util.Objects;

/** The webhook URL registered at LINE is the one being checked, and "Use webhook" is on. */
final class WebhookEndpointCheck extends Check {
    WebhookEndpointCheck() {
        super("webhook.endpoint", "webhook URL at LINE", Guidelines.RELEASE, Gates.LINE);
    }

    @Override
    public CheckResult run(Deployment d) {
        Http.Response res = d.lineGet("/v2/bot/channel/webhook/endpoint");
        if (res.status() == 404) {
            return fail("no webhook URL is registered for the channel: set " + d.target.webhookUrl()
                    + " in LINE Developers Console > Messaging API > Webhook settings");
        }
        if (!res.ok()) {
            return fail("GET /v2/bot/channel/webhook/endpoint: " + res.outcome());
        }
        JsonNode body = Deployment.json(res.body());
        String registered = body.path("endpoint").asText();
        boolean active = body.path("active").asBoolean();
        Map<String, Object> details = Map.of("registered", registered, "active", active);
        if (!same(registered, d.target.webhookUrl())) {
            return result(Status.FAIL, "LINE sends webhooks to " + registered + ", not to " + d.target.webhookUrl(), details);
        }
        if (!active) {
            return result(Status.FAIL, "\"Use webhook\" is off: LINE sends the bot no events (turn it on in LINE Developers"
                    + " Console > Messaging API > Webhook settings)", details);
        }
        return result(Status.PASS, registered + " is registered and \"Use webhook\" is on", details);
    }

    /** Equal as URLs: scheme and host case, a default port written or not. */
    static boolean same(String registered, URI url) {
        try {
            URI r = URI.create(registered);
            return r.getScheme().equalsIgnoreCase(url.getScheme()) && r.getHost().equalsIgnoreCase(url.getHost())
                    && port(r) == port(url) && path(r).equals(path(url))
                    && Objects.equals(r.getRawQuery(), url.getRawQuery());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static int port(URI u) {
        return u.getPort() > 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static String path(URI u) {
        return u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    }
}
