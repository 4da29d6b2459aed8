package io.linegate.emulator.api;

import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;

import com.linecorp.armeria.common.QueryParams;
import io.linegate.emulator.http.RateLimiter.Limit;
import io.linegate.emulator.http.Router;
import io.linegate.emulator.tokens.TokenService;

/** The operations of {@code channel-access-token.yml}: issue, verify and revoke the four token types. */
public final class OAuthApi {
    private final TokenService tokens;

    public OAuthApi(TokenService tokens) {
        this.tokens = tokens;
    }

    public void register(Router r) {
        r.on(POST, "/v2/oauth/accessToken").noAuth().limit(Limit.SHORT_LIVED_TOKEN).to(c -> tokens.shortLived(c.form(), c.now()));
        r.on(POST, "/v2/oauth/verify").noAuth().limit(Limit.NONE).to(c -> tokens.verifyV2(c.form(), c.now()));
        r.on(POST, "/v2/oauth/revoke").noAuth().limit(Limit.NONE).to(c -> tokens.revokeV2(c.form()));
        r.on(POST, "/oauth2/v2.1/token").noAuth().limit(Limit.NONE).to(c -> tokens.v21(c.form(), c.now()));
        r.on(GET, "/oauth2/v2.1/verify").noAuth().limit(Limit.NONE).to(c -> tokens.verifyV21(c.query("access_token"), c.now()));
        r.on(POST, "/oauth2/v2.1/revoke").noAuth().limit(Limit.NONE).to(c -> tokens.revokeV21(c.form()));
        r.on(GET, "/oauth2/v2.1/tokens/kid").noAuth().limit(Limit.NONE).to(c -> tokens.kids(query(c), c.now()));
        r.on(POST, "/oauth2/v3/token").noAuth().limit(Limit.NONE).to(c -> tokens.stateless(c.form(), c.now()));
    }

    private static QueryParams query(io.linegate.emulator.http.Call c) {
        String q = c.ctx().query();
        return q == null ? QueryParams.of() : QueryParams.fromQueryString(q);
    }
}
