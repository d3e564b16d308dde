package io.switchboard.cesql;

import static io.switchboard.cesql.CesqlErrorKind.CAST;
import static io.switchboard.cesql.CesqlErrorKind.MATH;
import static io.switchboard.cesql.CesqlErrorKind.MISSING_ATTRIBUTE;
import static io.switchboard.cesql.Eval.assertErrors;
import static io.switchboard.cesql.Eval.assertValue;

import org.junit.jupiter.api.Test;

/** Spec 3.4 and 3.6: every operator, its implicit casts, precedence and associativity. */
class OperatorsTest {

    @Test
    void notNegatesAndCastsItsOperandToBoolean() {
        assertValue("NOT true", false);
        assertValue("NOT false", true);
        assertValue("NOT 'TrUe'", false);
        assertValue("NOT NOT true", true);
        // Integer -> Boolean is a defined cast in v1
        assertValue("NOT 10", false);
        assertValue("NOT 0", true);
        assertValue("NOT -1", false);
        assertErrors("NOT 'yes'", false, CAST);
    }

    @Test
    void unaryMinusNegatesAndCastsToInteger() {
        assertValue("-5", -5);
        assertValue("- 5", -5);
        assertValue("--5", 5);
        assertValue("-'10'", -10);
        assertValue("-TRUE", -1);
        assertValue("-(2 + 3)", -5);
        assertValue("-2147483648", Integer.MIN_VALUE);
        assertErrors("-(-2147483648)", Integer.MAX_VALUE, MATH);
        assertErrors("--2147483648", Integer.MAX_VALUE, MATH);
        assertErrors("-'x'", 0, CAST);
        assertErrors("-missing", 0, MISSING_ATTRIBUTE);
    }

    @Test
    void arithmeticFollowsSpecSemantics() {
        assertValue("4 + 1", 5);
        assertValue("4-1", 3);
        assertValue("4 -1", 3);
        assertValue("4 - -1", 5);
        assertValue("3 * -2", -6);
        assertValue("7 / 2", 3);
        assertValue("-7 / 2", -3); // rounded towards 0
        assertValue("7 % 3", 1);
        assertValue("-7 % 3", -1); // sign of x
        assertValue("7 % -3", 1);
        assertValue("1 - 2 - 3", -4); // left to right
        assertValue("100 / 10 / 5", 2);
        assertValue("2 + 3 * 4", 14);
        assertValue("(2 + 3) * 4", 20);
        assertValue("'5' + 3", 8);
        assertValue("5 + TRUE", 6);
        assertErrors("'five' + 3", 0, CAST);
    }

    @Test
    void divisionAndModuloByZeroAreMathErrorsWithZero() {
        assertErrors("5 / 0", 0, MATH);
        assertErrors("5 % 0", 0, MATH);
        assertErrors("-5 / (3 - 3)", 0, MATH);
    }

    @Test
    void integerOverflowSaturatesWithMathError() {
        assertErrors("2147483647 + 1", Integer.MAX_VALUE, MATH);
        assertErrors("-2147483648 - 1", Integer.MIN_VALUE, MATH);
        assertErrors("2147483647 * 2", Integer.MAX_VALUE, MATH);
        assertErrors("-2147483648 * 2", Integer.MIN_VALUE, MATH);
        assertErrors("2147483647 * -2", Integer.MIN_VALUE, MATH);
        assertErrors("-2147483648 / -1", Integer.MAX_VALUE, MATH);
        assertValue("-2147483648 % -1", 0);
        assertValue("2147483647 + 0", Integer.MAX_VALUE);
    }

    @Test
    void anOperatorReceivingAnErroredOperandYieldsZero() {
        // the overflowing + returns its saturated value, the - that receives it computes nothing
        assertErrors("2147483647 + 1 - 5", 0, MATH);
        assertErrors("(2147483647 + 1) = 2147483647", false, MATH);
        assertErrors("1 + 1 / 0", 0, MATH);
        assertErrors("missing / 0", 0, MISSING_ATTRIBUTE);
        assertErrors("missing % 0", 0, MISSING_ATTRIBUTE);
        assertErrors("1 / missing", 0, MISSING_ATTRIBUTE);
        assertErrors("missing * 5", 0, MISSING_ATTRIBUTE);
    }

    @Test
    void equalityCastsTheLeftOperandToTheRightOperandsType() {
        assertValue("1 = 1", true);
        assertValue("'abc' = 'abc'", true);
        assertValue("'abc' = 'ABC'", false); // case sensitive
        assertValue("true = 'true'", true);
        assertValue("true = 'TRUE'", false);
        assertValue("'TRUE' = true", true);
        assertValue("1 = '1'", true);
        assertValue("'01' = 1", true);
        assertValue("1 = '01'", false);
        assertValue("1 = true", true);
        assertValue("true = 1", true);
        assertValue("2 = true", true); // left cast to the right's type: 2 -> true
        assertValue("0 = true", false);
        assertValue("true = 2", false); // true -> 1
        assertErrors("'abc' = 1", false, CAST);
        assertErrors("'maybe' = true", false, CAST);
    }

    @Test
    void notEqualIsTheNegationOfEqualExceptOnErrors() {
        assertValue("1 != 2", true);
        assertValue("1 <> 1", false);
        assertValue("'a' <> 'b'", true);
        assertValue("TRUE != FALSE", true);
        assertErrors("missing != 2", false, MISSING_ATTRIBUTE);
        assertErrors("'abc' <> 1", false, CAST);
    }

    @Test
    void orderingComparisonsCastBothOperandsToInteger() {
        assertValue("1 < 2", true);
        assertValue("2 <= 2", true);
        assertValue("3 > 2", true);
        assertValue("2 >= 3", false);
        assertValue("'10' > 9", true); // numeric, not lexicographic
        assertValue("true > false", true);
        assertValue("1 < 2 < 3", true); // (1 < 2) -> true -> 1 < 3
        assertErrors("'a' < 1", false, CAST);
        assertErrors("missing <= 2", false, MISSING_ATTRIBUTE);
    }

    @Test
    void logicalOperatorsShareOnePrecedenceAndFoldLeftToRight() {
        assertValue("TRUE AND FALSE", false);
        assertValue("TRUE OR FALSE", true);
        assertValue("TRUE XOR TRUE", false);
        assertValue("TRUE XOR FALSE", true);
        // (true OR true) AND false: AND does not bind tighter than OR
        assertValue("true OR true AND false", false);
        assertValue("false AND false OR true", true);
        assertValue("true XOR true OR true", true);
        assertValue("true OR false XOR true", false);
        assertValue("'true' AND 1", true);
        assertErrors("'nope' OR true", false, CAST);
    }

    @Test
    void andAndOrShortCircuit() {
        assertValue("false AND (1 / 0 = 0)", false);
        assertValue("true OR (1 / 0 = 0)", true);
        assertValue("false AND missing", false);
        assertValue("true OR missing", true);
        assertErrors("true AND (1 != 1 / 0)", false, MATH);
        assertErrors("false OR (1 != 1 / 0)", false, MATH);
    }

    @Test
    void anErroredLogicalOperandCountsAsFalseAndTheResultIsFalse() {
        // AND stops at the errored (false) left operand, so the right one is not evaluated
        assertErrors("missing AND 1 / 0 = 0", false, MISSING_ATTRIBUTE);
        // OR goes on to the right operand (complete evaluation collects its errors) but yields false
        assertErrors("missing OR true", false, MISSING_ATTRIBUTE);
        assertErrors("missing OR 1 / 0 = 0", false, MISSING_ATTRIBUTE, MATH);
        assertErrors("missing XOR true", false, MISSING_ATTRIBUTE);
        assertErrors("(missing OR true) OR true", false, MISSING_ATTRIBUTE);
        assertErrors("true XOR missing", false, MISSING_ATTRIBUTE);
    }

    @Test
    void likeMatchesWildcardsEscapesAndCastsTheLeftOperand() {
        assertValue("'abc' LIKE 'abc'", true);
        assertValue("'abc' LIKE 'ab'", false);
        assertValue("'abc' LIKE 'a%'", true);
        assertValue("'abc' LIKE '%c'", true);
        assertValue("'abc' LIKE '%b%'", true);
        assertValue("'abc' LIKE '%'", true);
        assertValue("'' LIKE '%'", true);
        assertValue("'' LIKE '_'", false);
        assertValue("'abc' LIKE 'a_c'", true);
        assertValue("'abc' LIKE '___'", true);
        assertValue("'abc' LIKE '____'", false);
        assertValue("'abc' LIKE 'a%%c'", true);
        assertValue("'abcbc' LIKE 'a%bc'", true);
        assertValue("'aXbXc' LIKE 'a%b%c'", true);
        assertValue("'acb' LIKE 'a%b%c'", false);
        assertValue("'abc' LIKE 'ABC'", false);
        assertValue("'a%c' LIKE 'a\\%c'", true);
        assertValue("'abc' LIKE 'a\\%c'", false);
        assertValue("'a_c' LIKE 'a\\_c'", true);
        assertValue("'abc' LIKE 'a\\_c'", false);
        assertValue("'a\\bc' LIKE 'a\\bc'", true); // backslash before anything else is literal
        assertValue("'a.c' LIKE 'a.c'", true);
        assertValue("'abc' LIKE 'a.c'", false); // no regex semantics
        assertValue("'a+b' LIKE 'a+b'", true);
        assertValue("'[x]' LIKE '[x]'", true);
        assertValue("'line1\nline2' LIKE 'line1%line2'", true); // across newlines
        assertValue("'a\nb' LIKE 'a_b'", true);
        assertValue("'abc' NOT LIKE 'a%'", false);
        assertValue("'abc' NOT LIKE 'x%'", true);
        assertValue("123 LIKE '1_3'", true);
        assertValue("true LIKE 't%'", true);
        assertErrors("missing LIKE '%'", false, MISSING_ATTRIBUTE);
        assertErrors("missing NOT LIKE 'x'", false, MISSING_ATTRIBUTE);
    }

    @Test
    void likeUnderscoreMatchesOneCodePoint() {
        assertValue("'\uD83D\uDE00' LIKE '_'", true);
        assertValue("'a\uD83D\uDE00b' LIKE 'a_b'", true);
        assertValue("'\uD83D\uDE00' LIKE '__'", false);
        assertValue("'x\uD83D\uDE00' LIKE '%\uD83D\uDE00'", true);
        assertValue("'\uD83D\uDE00\uD83D\uDE01' LIKE '_\uD83D\uDE01'", true);
    }

    @Test
    void existsIsTrueForPresentAttributesAndNeverAnError() {
        assertValue("EXISTS id", true);
        assertValue("EXISTS SOURCE", true);
        assertValue("EXISTS subject", true);
        assertValue("EXISTS missing", false);
        assertValue("NOT EXISTS missing", true);
        assertValue("EXISTS myext", TckEvents.with("myext", "v"), true);
        assertValue("EXISTS subject", TckEvents.base().withSubject(null).build(), false);
        assertValue("EXISTS time", TckEvents.base().withTime(null).build(), false);
    }

    @Test
    void inComparesWithTheLeftOperandsTypeAsTarget() {
        assertValue("'b' IN ('a', 'b', 'c')", true);
        assertValue("'d' IN ('a', 'b', 'c')", false);
        assertValue("'d' NOT IN ('a', 'b', 'c')", true);
        assertValue("'a' NOT IN ('a')", false);
        assertValue("1 IN ('1', '2')", true);
        assertValue("'1' IN (1, 2)", true);
        assertValue("'01' IN (1, 2)", false); // target String: 1 -> '1'
        assertValue("TRUE IN ('true', 'false')", true);
        assertValue("'TRUE' IN (TRUE)", false);
        assertValue("3 IN (1 + 2)", true);
        assertValue("INT(myint) IN (1000, 10)", TckEvents.with("myint", "10"), true);
        assertValue("INT(myint) NOT IN (1000, 10)", TckEvents.with("myint", "10"), false);
        assertValue("INT(myint) IN (1000, '11')", TckEvents.with("myint", "10"), false);
        assertValue("subject IN ('x', subject)", true);
        assertValue("'k' IN ('a','b','c','d','e','f','g','h','i','j','k')", true); // hashed set
        assertValue("'z' IN ('a','b','c','d','e','f','g','h','i','j','k')", false);
    }

    @Test
    void inWithAnyErrorIsFalseWhateverTheElementOrder() {
        assertErrors("missing IN ('a', 'b')", false, MISSING_ATTRIBUTE);
        assertErrors("missing NOT IN ('a', 'b')", false, MISSING_ATTRIBUTE);
        assertErrors("'a' IN ('a', missing)", false, MISSING_ATTRIBUTE);
        assertErrors("'a' IN (missing, 'a')", false, MISSING_ATTRIBUTE);
        assertErrors("1 IN (1, 'x')", false, CAST);
        assertErrors("1 IN ('x', 1)", false, CAST);
    }

    @Test
    void prefixOperatorsBindTighterThanLikeAndInWhichBindTighterThanArithmetic() {
        // spec 3.6: NOT and - first, then LIKE, IN, * / %, + -, comparisons, logic
        assertValue("NOT true LIKE '%'", true); // (NOT true) LIKE '%'
        assertValue("1 + 2 LIKE '2'", 2); // 1 + (2 LIKE '2') = 1 + 1
        assertValue("1 + 1 IN (1)", 2); // 1 + (1 IN (1))
        assertValue("2 * 3 IN (3)", 2); // 2 * (3 IN (3))
        assertValue("'a' LIKE 'a' IN (true)", true); // ('a' LIKE 'a') IN (true)
        assertValue("-2 * 3", -6);
        assertValue("1 + 2 = 3 AND 2 * 2 = 4", true);
        assertErrors("NOT 'x' = 'y'", false, CAST); // (NOT 'x') = 'y'
    }
}
