package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.linegate.emulator.http.SpecValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every operation of channel-access-token.yml answered 2xx, in the shape of the spec's response. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TokenSpecConformanceTest {
    static final Path SPEC = SharedSpecs.file("channel-access-token.yml");

    @Test
    void everyTokenOperationConforms() throws Exception {
        String yaml = Files.exists(SPEC) ? Files.readString(SPEC) : SpecValidator.resource("/openapi/channel-access-token.yml");
        OpenApiInteractionValidator validator = OpenApiInteractionValidator
                .createForInlineApiSpecification(SpecValidator.discriminatorsRequired(yaml))
                .withResolveCombinators(true)
                // The revoke endpoints answer 200 with an empty body (Messaging API reference, "Channel access token").
                .withLevelResolver(LevelResolver.create()
                        .withLevel("validation.response.body.unexpected", ValidationReport.Level.IGNORE).build())
                .build();
        try (Emulator e = Emulator.builder().build().start()) {
            ChannelInfo ch = e.defaultChannel();
            Http anon = new Http(e.baseUrl(), null);
            RSAKey key = new RSAKeyGenerator(2048).generate();
            String kid = e.registerAssertionKey(ch.channelId(), key.toPublicJWK());
            String type = TokensTest.enc(TokensTest.ASSERTION_TYPE);
            List<String> problems = new ArrayList<>();

            Http.Res shortLived = anon.form("/v2/oauth/accessToken", "grant_type=client_credentials&client_id=" + ch.channelId()
                    + "&client_secret=" + ch.channelSecret());
            check(validator, "POST", "/v2/oauth/accessToken", shortLived, problems);
            String st = shortLived.json().path("access_token").asText();
            check(validator, "POST", "/v2/oauth/verify", anon.form("/v2/oauth/verify", "access_token=" + TokensTest.enc(st)), problems);
            check(validator, "POST", "/v2/oauth/revoke", anon.form("/v2/oauth/revoke", "access_token=" + TokensTest.enc(st)), problems);

            Http.Res v21 = anon.form("/oauth2/v2.1/token", "grant_type=client_credentials&client_assertion_type=" + type
                    + "&client_assertion=" + TokensTest.assertion(key, kid, ch.channelId(), 600, 3600));
            check(validator, "POST", "/oauth2/v2.1/token", v21, problems);
            String vt = v21.json().path("access_token").asText();
            check(validator, "GET", "/oauth2/v2.1/verify", anon.get("/oauth2/v2.1/verify?access_token=" + TokensTest.enc(vt)), problems);
            check(validator, "GET", "/oauth2/v2.1/tokens/kid", anon.get("/oauth2/v2.1/tokens/kid?client_assertion_type=" + type
                    + "&client_assertion=" + TokensTest.assertion(key, kid, ch.channelId(), 600, 3600)), problems);
            check(validator, "POST", "/oauth2/v2.1/revoke", anon.form("/oauth2/v2.1/revoke", "client_id=" + ch.channelId()
                    + "&client_secret=" + ch.channelSecret() + "&access_token=" + TokensTest.enc(vt)), problems);
            check(validator, "POST", "/oauth2/v3/token", anon.form("/oauth2/v3/token", "grant_type=client_credentials&client_assertion_type="
                    + type + "&client_assertion=" + TokensTest.assertion(key, kid, ch.channelId(), 600, 3600)), problems);
            assertThat(problems).isEmpty();
        }
    }

    private static void check(OpenApiInteractionValidator v, String method, String path, Http.Res res, List<String> problems) {
        if (res.status() != 200) {
            problems.add(method + " " + path + " -> " + res.status() + " " + res.body());
            return;
        }
        SimpleResponse.Builder b = SimpleResponse.Builder.status(200);
        if (res.header("content-type") != null) {
            b.withContentType(res.header("content-type"));
        }
        if (!res.body().isEmpty()) {
            b.withBody(res.body());
        }
        v.validateResponse(path, Request.Method.valueOf(method), b.build()).getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .forEach(m -> problems.add(method + " " + path + ": " + m.getMessage() + " in " + res.body()));
    }
}
