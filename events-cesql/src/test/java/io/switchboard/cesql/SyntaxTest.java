package io.switchboard.cesql;

import static io.switchboard.cesql.Eval.assertParseError;
import static io.switchboard.cesql.Eval.assertValue;
import static io.switchboard.cesql.Eval.parseError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;

/** Spec 2: literals, keywords, identifiers, and malformed input as PARSE errors with a position. */
class SyntaxTest {

    @Test
    void literals() {
        assertValue("TRUE", true);
        assertValue("fAlSe", false);
        assertValue("0", 0);
        assertValue("+7", 7);
        assertValue("2147483647", Integer.MAX_VALUE);
        assertValue("-2147483648", Integer.MIN_VALUE);
        assertValue("'abc'", "abc");
        assertValue("\"abc\"", "abc");
        assertValue("''", "");
        assertValue("'aBc'", "aBc");
        assertValue("'multi\nline'", "multi\nline");
        assertValue("'\u00e9\uD83D\uDE00'", "\u00e9\uD83D\uDE00");
    }

    @Test
    void aBackslashEscapesOnlyTheEnclosingQuote() {
        assertValue("'a\\'b'", "a'b");
        assertValue("\"a\\\"b\"", "a\"b");
        assertValue("'a\"b'", "a\"b");
        assertValue("\"a'b\"", "a'b");
        assertValue("'a\\\"b'", "a\\\"b"); // \" inside '...' is not an escape
        assertValue("'a\\nb'", "a\\nb"); // no C escapes
        assertValue("'a\\\\'", "a\\\\"); // a backslash pair is kept as it is
    }

    @Test
    void keywordsAreCaseInsensitive() {
        assertValue("true and not false", true);
        assertValue("'a' like 'A%' or 'a' Like 'a%'", true);
        assertValue("1 in (1) xor false", true);
        assertValue("exists id", true);
        assertValue("'a' not in ('b')", true);
    }

    @Test
    void whitespaceIsSpaceTabCarriageReturnAndNewline() {
        assertValue(" \t\r\n1\n+\t2 ", 3);
        assertParseError("1 +\u00A02", 3); // NO-BREAK SPACE is not CESQL whitespace
    }

    @Test
    void identifiersAreLettersAndDigitsAndMayStartWithADigit() {
        assertValue("EXISTS 1abc", false);
        assertValue("x1 = 'v'", TckEvents.with("x1", "v"), true);
    }

    @Test
    void malformedInputIsAParseErrorWithItsPosition() {
        assertParseError("", 0);
        assertParseError("   ", 0);
        assertParseError("type = 'a' ; x", 11); // invalid character
        assertParseError("type = \u00a7", 7);
        assertParseError("type = 'abc", 7); // unterminated string
        assertParseError("type = \"abc", 7);
        assertParseError("'a''b'", 3); // no SQL-style doubled quote: two literals in a row
        assertParseError("type = 'a' 'b'", 11); // trailing tokens
        assertParseError("1 2", 2);
        assertParseError("(1", 2);
        assertParseError("1)", 1);
        assertParseError("()", 1);
        assertParseError("ABC(", 4);
        assertParseError("1 +", 3);
        assertParseError("NOT", 3);
        assertParseError("AND true", 0);
        assertParseError("a == b", 3);
        assertParseError("a ! b", 2);
        assertParseError("+x", 0);
        assertParseError("a IN ()", 6);
        assertParseError("a IN 'b'", 5);
        assertParseError("a IN ('b',)", 10);
        assertParseError("EXISTS 'x'", 7);
        assertParseError("EXISTS (x)", 7);
        assertParseError("EXISTS and", 7);
        assertParseError("my_ext = 1", 0); // underscore: only in function names
        assertParseError("abc1(1)", 0); // digits: not in function names
        assertParseError("a NOT b", 2);
    }

    @Test
    void theLikePatternMustBeAStringLiteral() {
        assertParseError("x LIKE 123", 7);
        assertParseError("x LIKE y", 7);
        assertParseError("x LIKE ('a')", 7);
        assertParseError("x NOT LIKE 1", 11);
    }

    @Test
    void integerLiteralsMustFit32Bits() {
        assertParseError("2147483648", 0);
        assertParseError("-2147483649", 0);
        assertParseError("99999999999999999999999", 0);
        assertParseError("1 + 2147483648", 4);
    }

    @Test
    void everyParseErrorSaysWhatWasExpected() {
        assertThat(parseError("(1").getMessage()).contains("expected ')'");
        assertThat(parseError("x LIKE 1").getMessage()).contains("string literal");
        assertThat(parseError("'abc").getMessage()).contains("unterminated");
        assertThat(parseError("'a''b'").getMessage()).contains("escape");
        assertThat(parseError("1 ~ 2").getMessage()).contains("U+007E");
        assertThat(parseError("").error().kind()).isEqualTo(CesqlErrorKind.PARSE);
    }

    @Test
    void nullIsRejected() {
        assertThatNullPointerException().isThrownBy(() -> Cesql.parse(null));
        assertThatNullPointerException().isThrownBy(() -> Cesql.parse("true").evaluate(null));
        assertThatNullPointerException().isThrownBy(() -> Cesql.parse("true").test(null));
    }

    @Test
    void theExpressionKeepsItsSource() {
        assertThat(Cesql.parse("type = 'x'").expression()).isEqualTo("type = 'x'");
        assertThat(Cesql.parse("type = 'x'")).hasToString("type = 'x'");
    }
}
