package io.switchboard.core.internal.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeaderValuesTest {

    @Test
    void encodesSpaceQuotePercentAndEverythingOutsidePrintableAscii() {
        assertThat(HeaderValues.encode("plain-value_1.2:/?=")).isEqualTo("plain-value_1.2:/?=");
        assertThat(HeaderValues.encode("a b\"c%d")).isEqualTo("a%20b%22c%25d");
        assertThat(HeaderValues.encode("héllo €")).isEqualTo("h%C3%A9llo%20%E2%82%AC");
        assertThat(HeaderValues.encode("tab\tnew\nline")).isEqualTo("tab%09new%0Aline");
    }

    @Test
    void decodingUndoesEncoding() {
        for (String value : new String[] {"", "x", "a b\"c%d", "héllo € 😀", "%41 literal"}) {
            assertThat(HeaderValues.decode(HeaderValues.encode(value))).isEqualTo(value);
        }
        assertThat(HeaderValues.decode("%c3%a9")).as("hex digits in either case").isEqualTo("é");
    }

    @Test
    void brokenEscapesAndNonUtf8BytesAreRefused() {
        assertThatThrownBy(() -> HeaderValues.decode("100%")).hasMessageContaining("two hex digits");
        assertThatThrownBy(() -> HeaderValues.decode("%4")).hasMessageContaining("two hex digits");
        assertThatThrownBy(() -> HeaderValues.decode("%zz")).hasMessageContaining("%25");
        assertThatThrownBy(() -> HeaderValues.decode("%C3%28")).hasMessageContaining("not UTF-8");
    }

    @Test
    void onlyCeHeadersAreAttributes() {
        assertThat(HeaderValues.isAttribute("ce-subject")).isTrue();
        assertThat(HeaderValues.isAttribute("CE-Subject")).isTrue();
        assertThat(HeaderValues.isAttribute("ce-")).isFalse();
        assertThat(HeaderValues.isAttribute("Content-Type")).isFalse();
    }
}
