package io.linegate.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PkceAndCallbackUrlsTest {
    @Test
    void theChallengeMatchesLinesDocumentedVector() {
        assertThat(Pkce.challenge("wJKN8qz5t8SSI9lMFhBB6qwNkQBkuPZoCxzRhwLRUo1"))
                .isEqualTo("BSCQwo_m8Wf0fpjmwkIKmPAJ1A7tiuRSNDnXzODS7QI");
    }

    @Test
    void verifiersAreFreshAndWellFormed() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String v = Pkce.newVerifier();
            assertThat(v).matches("[A-Za-z0-9\\-_]{43}");
            assertThat(seen.add(v)).isTrue();
        }
        assertThatThrownBy(() -> Pkce.challenge("too-short")).hasMessageContaining("43 to 128");
    }

    @Test
    void aRedirectUriMustBeARegisteredUrlOrOneWithQueryParametersAdded() {
        CallbackUrls urls = CallbackUrls.of(List.of("https://example.com/auth?key=value", "https://shop.example.com/callback"));
        assertThat(urls.allows("https://example.com/auth?key=value")).isTrue();
        assertThat(urls.allows("https://example.com/auth?key=value&from=campaign")).isTrue();
        assertThat(urls.allows("https://shop.example.com:443/callback?x=1")).isTrue();
        assertThat(urls.allows("https://example.com/auth?key=other")).isFalse();
        assertThat(urls.allows("https://example.com/auth")).isFalse();
        assertThat(urls.allows("https://example.com/auth/evil?key=value")).isFalse();
        assertThat(urls.allows("https://evil.example/auth?key=value")).isFalse();
        assertThat(urls.allows("http://shop.example.com/callback")).isFalse();
        assertThat(urls.allows("https://shop.example.com/callback#frag")).isFalse();
        assertThat(urls.allows("not a url")).isFalse();
        assertThatThrownBy(() -> CallbackUrls.of(Collections.nCopies(401, "https://example.com/cb")))
                .hasMessageContaining("400");
    }
}
