package io.linegate.emulator.messaging;

import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;

import com.linecorp.armeria.common.QueryParams;
import io.linegate.emulator.domain.TokenService;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.RateLimiter.Limit;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import io.linegate.emulator.login.LoginApi;

/**
 * The operations of {@code channel-access-token.yml}: issue, verify and revoke the four token types.
 * {@code /oauth2/v2.1/token}, {@code verify} and {@code revoke} are shared with LINE Login (Messaging API
 * reference, "Channel access token"; LINE Login v2.1 API reference): the grant type, the method and the kind of token decide which side answers.
 */
final class OAuthApi {
    private final TokenService tokens;
    private final LoginApi login;

    OAuthApi(TokenService tokens, LoginApi login) {
        this.tokens = tokens;
        this.login = login;
    }

    void register(Router r) {
        r.on(POST, "/v2/oauth/accessToken").noAuth().limit(Limit.SHORT_LIVED_TOKEN).to(c -> Reply.ok(tokens.shortLived(c.form(), c.now())));
        r.on(POST, "/v2/oauth/verify").noAuth().limit(Limit.NONE).to(c -> Reply.ok(tokens.verifyV2(c.form(), c.now())));
        r.on(POST, "/v2/oauth/revoke").noAuth().limit(Limit.NONE).to(c -> {
            tokens.revokeV2(c.form());
            return Reply.emptyBody();
        });
        r.on(POST, "/oauth2/v2.1/token").noAuth().limit(Limit.NONE).to(this::token);
        r.on(GET, "/oauth2/v2.1/verify").noAuth().limit(Limit.NONE).to(this::verify);
        r.on(POST, "/oauth2/v2.1/revoke").noAuth().limit(Limit.NONE).to(this::revoke);
        r.on(GET, "/oauth2/v2.1/tokens/kid").noAuth().limit(Limit.NONE).to(c -> Reply.ok(tokens.kids(query(c), c.now())));
        r.on(POST, "/oauth2/v3/token").noAuth().limit(Limit.NONE).to(c -> Reply.ok(tokens.stateless(c.form(), c.now())));
    }

    private Reply token(Call c) {
        QueryParams form = c.form();
        return login.handlesGrant(form.get("grant_type")) ? login.token(form, c.now()) : Reply.ok(tokens.v21(form, c.now()));
    }

    private Reply verify(Call c) {
        String value = c.query("access_token");
        return login.isUserToken(value) ? login.verifyAccessToken(value, c.now()) : Reply.ok(tokens.verifyV21(value, c.now()));
    }

    private Reply revoke(Call c) {
        QueryParams form = c.form();
        if (login.isUserToken(form.get("access_token"))) {
            return login.revoke(form);
        }
        tokens.revokeV21(form);
        return Reply.emptyBody();
    }

    private static QueryParams query(Call c) {
        String q = c.ctx().query();
        return q == null ? QueryParams.of() : QueryParams.fromQueryString(q);
    }
}
