package io.switchboard.nats;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Header values follow § 3.1.3.2 of the CloudEvents NATS protocol binding (version 1.0.3-wip). */
class HeaderValuesTest {

    @Test
    void encodesTheSpecExampleExactly() {
        // the spec's example: "Euro € 😀" SHOULD be encoded as "Euro%20%E2%82%AC%20%F0%9F%98%80"
        assertThat(HeaderValues.encode("Euro \u20AC \uD83D\uDE00")).isEqualTo("Euro%20%E2%82%AC%20%F0%9F%98%80");
    }

    @Test
    void encodesSpaceDoubleQuotePercentAndControlCharactersOnly() {
        assertThat(HeaderValues.encode("a b\"c%d")).isEqualTo("a%20b%22c%25d");
        assertThat(HeaderValues.encode("tab\there\u007f")).isEqualTo("tab%09here%7F");
        String printable = "!#$&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~";
        assertThat(HeaderValues.encode(printable)).as("printable ASCII other than space, '\"' and '%%' stays").isEqualTo(printable);
    }

    @Test
    void decodingAcceptsLowerCaseAndUnnecessaryEscapes() {
        assertThat(HeaderValues.decode("Euro%20%e2%82%ac")).isEqualTo("Euro \u20AC");
        assertThat(HeaderValues.decode("%41%42C")).isEqualTo("ABC");
    }

    @Test
    void decodingUnquotesDoubleQuotedValuesFirst() {
        assertThat(HeaderValues.decode("\"hello \\\"world\\\"\"")).isEqualTo("hello \"world\"");
        assertThat(HeaderValues.decode("\"100%25\"")).as("one round of percent-decoding after unquoting").isEqualTo("100%");
    }

    @Test
    void decodingRejectsBytesThatAreNotUtf8() {
        // the spec's example: %C0%A0 is an overlong encoding of U+0020 and MUST be rejected
        assertThatThrownBy(() -> HeaderValues.decode("%C0%A0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> HeaderValues.decode("abc%2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeaderValues.decode("%zz")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void roundTripsAnyString() {
        String s = "Zoë ✓ \"quoted\" 100% \uD83D\uDE00 tab\t end";
        assertThat(HeaderValues.decode(HeaderValues.encode(s))).isEqualTo(s);
    }
}
