package io.linegate.login;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The post-login {@code next} target: a path on this site, or nothing. */
class NextTargetTest {
    @ParameterizedTest
    @ValueSource(strings = {"/", "/member", "/link?linkToken=abc-DEF_123", "/a/b?x=1&y=%2F#part", "/caf%C3%A9"})
    void aPathOnThisSiteIsKept(String next) {
        assertThat(NextTarget.localPath(next)).contains(next);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://evil.example/", "http:/evil.example", "javascript:alert(1)", "//evil.example", "///evil.example",
            "/\\evil.example", "\\\\evil.example", "/a\\b", "evil.example", "", " /", "/ ", "/\t/evil.example/",
            "/\n/evil.example", "/\r/evil.example", "/\u000b/evil.example", "/\u0000", "/\u007f", "/\u0085x", "/\u2028x",
            "/\u00a0/evil", "/%09/evil.example", "/%2F/evil.example", "/%2F%09%2Fevil.example%2F", "/%5Cevil.example",
            "/%252F%252Fevil.example", "/%E2%80%A8", "/%ZZ", "/%0d%0aSet-Cookie:%20x=1", "/\u200b/evil"})
    void anythingThatCouldLeaveTheSiteIsRefused(String next) {
        assertThat(NextTarget.localPath(next)).as("[" + next + "]").isEmpty();
        assertThat(NextTarget.orElse(next, "/")).isEqualTo("/");
    }

    @ParameterizedTest
    @ValueSource(ints = {NextTarget.MAX_LENGTH + 1, 100_000})
    void anOverlongTargetIsRefused(int length) {
        assertThat(NextTarget.localPath("/" + "a".repeat(length - 1))).isEmpty();
    }
}
