package io.linegate.cli.preflight;

import io.linegate.messaging.token.TokenManager;
import java.io.IOException;

/**
 * LINE answers for the channel: a token (a one-off stateless one when the channel id is known, which
 * touches none of the deployment's tokens; else {@code LINE_CHANNEL_ACCESS_TOKEN}) and the bot info.
 */
final class LineAccess extends Check {
    LineAccess() {
        super(Gates.LINE, "LINE API access", Guidelines.TOKENS);
    }

    @Override
    public CheckResult run(Deployment d) {
        Deployment.Target t = d.target;
        if (t.channelId() != null) {
            try {
                d.lineToken = TokenManager.issueStateless(t.apiBase(), t.channelId(), t.channelSecret());
            } catch (IOException e) {
                String why = e.getMessage() != null && e.getMessage().contains("answered")
                        ? e.getMessage() + " (check LINE_CHANNEL_ID and LINE_CHANNEL_SECRET)"
                        : "cannot reach " + t.apiBase() + ": " + Http.describe(e, d.timeout());
                return fail("LINE issued no token for channel " + t.channelId() + ": " + why);
            }
        } else {
            d.lineToken = t.channelAccessToken();
        }
        Http.Response info = d.lineGet("/v2/bot/info");
        if (info.status() == 401) {
            return fail("LINE refused the channel access token (401 " + Deployment.json(info.body()).path("message").asText("")
                    + ")" + (t.channelId() == null ? ": check LINE_CHANNEL_ACCESS_TOKEN" : ""));
        }
        if (!info.ok()) {
            return fail("GET " + t.apiBase().resolve("/v2/bot/info") + ": " + info.outcome());
        }
        d.botInfo = Deployment.json(info.body());
        return pass("channel \"" + d.botInfo.path("displayName").asText() + "\" (" + d.botInfo.path("basicId").asText()
                + ", bot " + d.botInfo.path("userId").asText() + ") at " + t.apiBase());
    }
}
