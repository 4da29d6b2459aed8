package io.linegate.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTextTest {
    @Test
    void theCharactersThatEndAnElementOrAnAttributeAreEscapedAndNothingElse() {
        assertThat(HtmlText.escape("<script>alert('x') & \"y\"</script>"))
                .isEqualTo("&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
        assertThat(HtmlText.escape("こんにちは 👋")).isEqualTo("こんにちは 👋");
        assertThat(HtmlText.escape(null)).isEmpty();
    }
}
