package io.linegate.login;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * LINE's ES256 signing keys, from {@code /oauth2/v2.1/certs}, cached. A token signed with a key id
 * the cache does not know triggers one refresh (LINE rotates keys), at most every 30 seconds, so that
 * a flood of forged key ids cannot turn into a flood of requests to LINE.
 */
public final class LineJwks {
    private static final Duration MIN_REFRESH = Duration.ofSeconds(30);
    private final URI certs;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile JWKSet keys = new JWKSet();
    private volatile Instant fetchedAt = Instant.MIN;

    public LineJwks(URI apiBase, Clock clock) {
        this.certs = apiBase.resolve("/oauth2/v2.1/certs");
        this.clock = clock;
    }

    /** The key with {@code kid}, refreshing once if it is unknown; null if LINE does not have it either. */
    ECKey key(String kid) throws IOException {
        JWK k = keys.getKeyByKeyId(kid);
        if (k == null && clock.instant().isAfter(fetchedAt.plus(MIN_REFRESH))) {
            refresh();
            k = keys.getKeyByKeyId(kid);
        }
        return k instanceof ECKey ? (ECKey) k : null;
    }

    private synchronized void refresh() throws IOException {
        if (!clock.instant().isAfter(fetchedAt.plus(MIN_REFRESH))) {
            return; // another thread just did
        }
        fetchedAt = clock.instant();
        try {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(certs).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                throw new IOException("LINE's JWKS answered " + res.statusCode());
            }
            keys = JWKSet.parse(res.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted fetching LINE's JWKS");
        } catch (ParseException e) {
            throw new IOException("LINE's JWKS is not a JWK set: " + e.getMessage(), e);
        }
    }
}
