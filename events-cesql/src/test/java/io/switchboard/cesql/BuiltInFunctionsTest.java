package io.switchboard.cesql;

import static io.switchboard.cesql.CesqlErrorKind.CAST;
import static io.switchboard.cesql.CesqlErrorKind.FUNCTION_EVALUATION;
import static io.switchboard.cesql.CesqlErrorKind.MATH;
import static io.switchboard.cesql.CesqlErrorKind.MISSING_ATTRIBUTE;
import static io.switchboard.cesql.CesqlErrorKind.MISSING_FUNCTION;
import static io.switchboard.cesql.Eval.assertErrors;
import static io.switchboard.cesql.Eval.assertValue;
import static io.switchboard.cesql.Eval.parseError;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Spec 3.5: every built-in function, with code point semantics and the errors each one defines. */
class BuiltInFunctionsTest {

    private static final String GRIN = "\uD83D\uDE00"; // one code point, two UTF-16 chars

    @Test
    void lengthCountsCodePoints() {
        assertValue("LENGTH('abc')", 3);
        assertValue("LENGTH('')", 0);
        assertValue("LENGTH('" + GRIN + "a')", 2);
        assertValue("LENGTH(12345)", 5);
        assertValue("LENGTH(TRUE)", 4);
        assertValue("length('x')", 1);
        assertErrors("LENGTH(missing)", 0, MISSING_ATTRIBUTE);
    }

    @Test
    void concatJoinsAnyNumberOfArguments() {
        assertValue("CONCAT()", "");
        assertValue("CONCAT('a')", "a");
        assertValue("CONCAT('a', 'b', 'c')", "abc");
        assertValue("CONCAT('n', 1, TRUE)", "n1true");
        assertErrors("CONCAT('a', missing)", "", MISSING_ATTRIBUTE);
    }

    @Test
    void concatWsPutsTheDelimiterBetweenArgumentsOnly() {
        assertValue("CONCAT_WS(',')", "");
        assertValue("CONCAT_WS(',', 'a')", "a");
        assertValue("CONCAT_WS(', ', 'a', 'b', 'c')", "a, b, c");
        assertValue("CONCAT_WS('', 'a', 'b')", "ab");
        assertThat(parseError("CONCAT_WS()").kind()).isEqualTo(MISSING_FUNCTION);
    }

    @Test
    void lowerAndUpperMapCase() {
        assertValue("LOWER('AbC')", "abc");
        assertValue("UPPER('AbC')", "ABC");
        assertValue("UPPER('stra\u00DFe')", "STRASSE");
        assertValue("LOWER(TRUE)", "true");
    }

    @Test
    void trimRemovesUnicodeWhiteSpaceOnly() {
        assertValue("TRIM('   a b c   ')", "a b c");
        assertValue("TRIM('\t\n a \r\n')", "a");
        // NO-BREAK SPACE, EM SPACE, IDEOGRAPHIC SPACE and NEXT LINE are White_Space (String.trim() keeps them)
        assertValue("TRIM('\u00A0\u2003a\u3000\u0085')", "a");
        // INFORMATION SEPARATOR FOUR and control characters are not White_Space (Character.isWhitespace says yes)
        assertValue("TRIM('\u001Ca\u001C')", "\u001Ca\u001C");
        assertValue("TRIM('\u0000a')", "\u0000a");
        // ZERO WIDTH SPACE is not White_Space either
        assertValue("TRIM('\u200Ba')", "\u200Ba");
        assertValue("TRIM('')", "");
        assertValue("TRIM('   ')", "");
    }

    @Test
    void leftAndRightTakeCodePoints() {
        assertValue("LEFT('abc', 2)", "ab");
        assertValue("LEFT('abc', 0)", "");
        assertValue("LEFT('abc', 3)", "abc");
        assertValue("LEFT('abc', 10)", "abc");
        assertValue("LEFT('" + GRIN + "bc', 1)", GRIN);
        assertValue("RIGHT('abc', 2)", "bc");
        assertValue("RIGHT('abc', 0)", "");
        assertValue("RIGHT('abc', 10)", "abc");
        assertValue("RIGHT('ab" + GRIN + "', 1)", GRIN);
        assertValue("LEFT('abc', '2')", "ab");
        assertErrors("LEFT('abc', -2)", "abc", FUNCTION_EVALUATION);
        assertErrors("RIGHT('abc', -1)", "abc", FUNCTION_EVALUATION);
        assertErrors("LEFT('abc', 'x')", "", CAST);
        assertErrors("LEFT(missing, 1)", "", MISSING_ATTRIBUTE);
    }

    @Test
    void substringIndexesCodePointsFromOneOrFromTheEnd() {
        assertValue("SUBSTRING('abcdef', 1)", "abcdef");
        assertValue("SUBSTRING('abcdef', 3)", "cdef");
        assertValue("SUBSTRING('abcdef', 6)", "f");
        assertValue("SUBSTRING('abcdef', -2)", "ef");
        assertValue("SUBSTRING('abcdef', -6)", "abcdef");
        assertValue("SUBSTRING('abcdef', 0)", "");
        assertValue("SUBSTRING('abcdef', 2, 3)", "bcd");
        assertValue("SUBSTRING('abcdef', 2, 0)", "");
        assertValue("SUBSTRING('abcdef', 5, 100)", "ef");
        assertValue("SUBSTRING('abcdef', -3, 2)", "de");
        assertValue("SUBSTRING('abcdef', 0, 2)", "");
        assertValue("SUBSTRING('a" + GRIN + "c', 2, 1)", GRIN);
        assertValue("SUBSTRING('a" + GRIN + "c', -1)", "c");
        assertValue("SUBSTRING('abc', 2, 2147483647)", "bc");
        assertErrors("SUBSTRING('abcdef', 7)", "", FUNCTION_EVALUATION);
        assertErrors("SUBSTRING('abcdef', -7)", "", FUNCTION_EVALUATION);
        assertErrors("SUBSTRING('abcdef', 7, 1)", "", FUNCTION_EVALUATION);
        assertErrors("SUBSTRING('abcdef', 2, -1)", "", FUNCTION_EVALUATION);
        assertErrors("SUBSTRING('', 1)", "", FUNCTION_EVALUATION);
    }

    @Test
    void absHasAnOverflowingCase() {
        assertValue("ABS(10)", 10);
        assertValue("ABS(-10)", 10);
        assertValue("ABS(0)", 0);
        assertValue("ABS('-3')", 3);
        assertErrors("ABS(-2147483648)", Integer.MAX_VALUE, MATH);
        assertErrors("ABS(missing)", 0, MISSING_ATTRIBUTE);
    }

    @Test
    void castingFunctionsFollowTheCastTable() {
        assertValue("INT('42')", 42);
        assertValue("INT('+42')", 42);
        assertValue("INT('-42')", -42);
        assertValue("INT('2147483647')", Integer.MAX_VALUE);
        assertValue("INT('-2147483648')", Integer.MIN_VALUE);
        assertValue("INT(TRUE)", 1);
        assertValue("INT(7)", 7);
        assertErrors("INT('2147483648')", 0, CAST);
        assertErrors("INT(' 1')", 0, CAST);
        assertErrors("INT('1.0')", 0, CAST);
        assertErrors("INT('')", 0, CAST);
        assertErrors("INT('+')", 0, CAST);
        assertErrors("INT('\u0663')", 0, CAST); // ARABIC-INDIC DIGIT THREE is not base-10 ASCII
        assertValue("BOOL('true')", true);
        assertValue("BOOL('FaLsE')", false);
        assertValue("BOOL(0)", false);
        assertValue("BOOL(-5)", true);
        assertErrors("BOOL('yes')", false, CAST);
        assertErrors("BOOL('fal\u017Fe')", false, CAST); // LATIN SMALL LETTER LONG S upper-cases to S
        assertValue("STRING(TRUE)", "true");
        assertValue("STRING(-12)", "-12");
        assertValue("STRING('x')", "x");
        assertErrors("STRING(missing)", "", MISSING_ATTRIBUTE);
    }

    @Test
    void isIntAndIsBoolTellWhetherACastWouldSucceed() {
        assertValue("IS_INT('12')", true);
        assertValue("IS_INT('1x')", false);
        assertValue("IS_INT(TRUE)", true);
        assertValue("IS_BOOL('TRUE')", true);
        assertValue("IS_BOOL('1')", false);
        assertValue("IS_BOOL(1)", true);
        assertErrors("IS_INT(missing)", false, MISSING_ATTRIBUTE);
    }

    @Test
    void functionNamesAreCaseInsensitive() {
        assertValue("concat_ws('-', 'a', 'b')", "a-b");
        assertValue("Upper('a')", "A");
        assertValue("sUbStRiNg('abc', 2)", "bc");
    }

    @Test
    void unknownFunctionsAndWrongAritiesAreMissingFunctionErrors() {
        CesqlException unknown = parseError("type = 'x' AND NOPE(1)");
        assertThat(unknown.kind()).isEqualTo(MISSING_FUNCTION);
        assertThat(unknown.position()).isEqualTo(15);
        assertThat(unknown.getMessage()).contains("NOPE");
        CesqlException arity = parseError("LEFT('abc')");
        assertThat(arity.kind()).isEqualTo(MISSING_FUNCTION);
        assertThat(arity.getMessage()).contains("LEFT(String, Integer)");
        assertThat(parseError("ABS(1, 2)").kind()).isEqualTo(MISSING_FUNCTION);
        assertThat(parseError("SUBSTRING('a')").kind()).isEqualTo(MISSING_FUNCTION);
        assertThat(parseError("LENGTH()").kind()).isEqualTo(MISSING_FUNCTION);
    }
}
