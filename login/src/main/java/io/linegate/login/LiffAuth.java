package io.linegate.login;

import java.io.IOException;

/**
 * Who the user of a LIFF app is, established on the server from a token the LIFF SDK obtained
 * (LIFF docs, "Using user data in LIFF apps and servers"): an ID token from {@code liff.getIDToken()}, checked locally as ES256 against LINE's
 * keys with the LINE Login channel as audience, or an access token from {@code liff.getAccessToken()},
 * checked with LINE's verify endpoint (issued to this channel, not expired) before the profile is read
 * with it. There is deliberately no way to pass a user id: a client-sent id proves nothing.
 */
public final class LiffAuth {
    private final IdTokenVerifier idTokens;
    private final LoginApi api;

    /** A LIFF user established from a token; {@code via} is {@code idToken} or {@code accessToken}. */
    public record VerifiedUser(String userId, String displayName, String pictureUrl, String via) {}

    /**
     * @param idTokens a verifier for the LINE Login channel that owns the LIFF app
     * @param api      the same channel's Login endpoints
     */
    public LiffAuth(IdTokenVerifier idTokens, LoginApi api) {
        this.idTokens = idTokens;
        this.api = api;
    }

    public VerifiedUser fromIdToken(String idToken) throws InvalidIdTokenException {
        IdToken t = idTokens.verify(idToken, IdTokenVerifier.Source.LIFF_OR_APP, null);
        return new VerifiedUser(t.subject(), t.name(), t.picture(), "idToken");
    }

    public VerifiedUser fromAccessToken(String accessToken) throws IOException, LoginApiException {
        api.verifyAccessToken(accessToken); // this channel's, unexpired: or it throws
        LoginApi.Profile p = api.profile(accessToken);
        return new VerifiedUser(p.userId(), p.displayName(), p.pictureUrl(), "accessToken");
    }
}
