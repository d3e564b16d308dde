package io.switchboard.cesql;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.arbitraries.StringArbitrary;

/** Properties over random input: the parser and evaluator never fail in any undocumented way. */
class CesqlPropertiesTest {

    private static final List<CloudEvent> EVENTS = List.of(
            Eval.EVENT,
            TckEvents.with("myint", 10, "mybool", true, "mystr", "10", "myext", "abc"),
            TckEvents.with("myint", -2147483648, "mybool", false, "mystr", "true", "myext", ""),
            TckEvents.base().withSubject(null).withTime(null).withDataContentType(null).build());

    private static final List<String> TOKENS = List.of(
            "(", ")", ",", "+", "-", "*", "/", "%", "=", "!=", "<>", "<", "<=", ">", ">=", "!", "'", "\"", "\\",
            "AND", "or", "XOR", "NOT", "LIKE", "IN", "EXISTS", "TRUE", "false", "0", "1", "-1", "2147483647",
            "2147483648", "-2147483648", "'a'", "'%a_'", "\"b\"", "'a''b'", "type", "subject", "myint", "mybool",
            "missing", "LENGTH(", "CONCAT(", "CONCAT_WS(", "SUBSTRING(", "ABS(", "INT(", "BOOL(", "NOPE(", " ",
            "\n", "\u00A0", "\uD83D\uDE00", "_", "my_ext");

    @Provide
    Arbitrary<String> tokenSoup() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(25).map(l -> String.join(" ", l));
    }

    @Property(tries = 2000)
    void anyTokenSequenceParsesOrFailsWithACesqlException(@ForAll("tokenSoup") String source) {
        checkParsesOrFailsCleanly(source);
    }

    @Property(tries = 1000)
    void anyStringParsesOrFailsWithACesqlException(@ForAll String source) {
        checkParsesOrFailsCleanly(source);
    }

    private static void checkParsesOrFailsCleanly(String source) {
        CesqlExpression e;
        try {
            e = Cesql.parse(source);
        } catch (CesqlException expected) {
            assertThat(expected.kind()).isIn(CesqlErrorKind.PARSE, CesqlErrorKind.MISSING_FUNCTION);
            assertThat(expected.getMessage()).isNotBlank();
            return;
        }
        for (CloudEvent event : EVENTS) {
            checkEvaluation(e, event);
        }
    }

    private static void checkEvaluation(CesqlExpression e, CloudEvent event) {
        CesqlResult r = e.evaluate(event);
        assertThat(r.value()).isInstanceOfAny(Boolean.class, Integer.class, String.class);
        assertThat(r.errors()).allSatisfy(err -> assertThat(err.message()).isNotBlank());
        assertThat(e.test(event)).as("test() agrees with evaluate() for %s", e).isEqualTo(r.passes());
        assertThat(e.evaluate(event)).as("evaluation is deterministic").isEqualTo(r);
    }

    // ------------------------------------------------------------------ valid expressions

    @Provide
    Arbitrary<String> expressions() {
        return expression(4);
    }

    private Arbitrary<String> expression(int depth) {
        Arbitrary<String> atom = Arbitraries.oneOf(
                Arbitraries.of("TRUE", "false", "0", "1", "-1", "7", "2147483647", "-2147483648", "10"),
                Arbitraries.integers().map(String::valueOf),
                stringLiteral(),
                Arbitraries.of("id", "type", "source", "subject", "time", "specversion", "datacontenttype",
                        "dataschema", "myint", "mybool", "mystr", "myext", "missing"),
                Arbitraries.of("EXISTS subject", "EXISTS missing", "EXISTS myint"));
        if (depth == 0) {
            return atom;
        }
        Arbitrary<String> sub = Arbitraries.lazy(() -> expression(depth - 1));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, atom),
                net.jqwik.api.Tuple.of(4, Combinators.combine(sub, binaryOperator(), sub)
                        .as((l, op, r) -> l + " " + op + " " + r)),
                net.jqwik.api.Tuple.of(2, sub.map(s -> "(" + s + ")")),
                net.jqwik.api.Tuple.of(1, sub.map(s -> "NOT " + s)),
                net.jqwik.api.Tuple.of(1, sub.map(s -> "-" + s)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(sub, Arbitraries.of("", "NOT "), likePattern())
                        .as((l, not, p) -> l + " " + not + "LIKE " + p)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(sub, Arbitraries.of("", "NOT "),
                        sub.list().ofMinSize(1).ofMaxSize(4))
                        .as((l, not, set) -> l + " " + not + "IN (" + String.join(", ", set) + ")")),
                net.jqwik.api.Tuple.of(2, call(sub)));
    }

    private Arbitrary<String> call(Arbitrary<String> sub) {
        return Arbitraries.oneOf(
                sub.map(a -> "LENGTH(" + a + ")"),
                sub.list().ofMaxSize(3).map(a -> "CONCAT(" + String.join(", ", a) + ")"),
                sub.list().ofMinSize(1).ofMaxSize(3).map(a -> "CONCAT_WS(" + String.join(", ", a) + ")"),
                sub.map(a -> "LOWER(" + a + ")"),
                sub.map(a -> "UPPER(" + a + ")"),
                sub.map(a -> "TRIM(" + a + ")"),
                Combinators.combine(sub, sub).as((a, b) -> "LEFT(" + a + ", " + b + ")"),
                Combinators.combine(sub, sub).as((a, b) -> "RIGHT(" + a + ", " + b + ")"),
                Combinators.combine(sub, sub).as((a, b) -> "SUBSTRING(" + a + ", " + b + ")"),
                Combinators.combine(sub, sub, sub).as((a, b, c) -> "SUBSTRING(" + a + ", " + b + ", " + c + ")"),
                sub.map(a -> "ABS(" + a + ")"),
                sub.map(a -> "INT(" + a + ")"),
                sub.map(a -> "BOOL(" + a + ")"),
                sub.map(a -> "STRING(" + a + ")"),
                sub.map(a -> "IS_INT(" + a + ")"),
                sub.map(a -> "IS_BOOL(" + a + ")"));
    }

    private static Arbitrary<String> binaryOperator() {
        return Arbitraries.of("AND", "OR", "XOR", "=", "!=", "<>", "<", "<=", ">", ">=", "+", "-", "*", "/", "%");
    }

    private static Arbitrary<String> stringLiteral() {
        Arbitrary<String> content = Arbitraries.oneOf(
                Arbitraries.of("", "abc", "10", "-3", "true", "FALSE", " a ", "\u00A0x", "\uD83D\uDE00", "%", "_"),
                Arbitraries.strings().withChars("ab1 %_\\\uD83D\uDE00\u00e9").ofMaxLength(6));
        return content.map(s -> "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'");
    }

    private static Arbitrary<String> likePattern() {
        return Arbitraries.strings().withChars("ab1%_\\").ofMaxLength(6)
                .map(s -> "'" + s + (s.endsWith("\\") ? "x" : "") + "'"); // a final \ would escape the quote
    }

    @Property(tries = 1500)
    void validExpressionsEvaluateWithoutThrowing(@ForAll("expressions") String source) {
        CesqlExpression e = Cesql.parse(source); // valid by construction: must not throw
        for (CloudEvent event : EVENTS) {
            checkEvaluation(e, event);
        }
    }

    @Property(tries = 500)
    void parenthesesDoNotChangeTheResult(@ForAll("expressions") String source) {
        CesqlExpression plain = Cesql.parse(source);
        CesqlExpression wrapped = Cesql.parse("(" + source + ")");
        for (CloudEvent event : EVENTS) {
            CesqlResult a = plain.evaluate(event);
            CesqlResult b = wrapped.evaluate(event);
            assertThat(b.value()).isEqualTo(a.value());
            // messages carry positions, which the parenthesis shifts
            assertThat(b.errors()).extracting(CesqlError::kind).isEqualTo(a.errors().stream()
                    .map(CesqlError::kind).toList());
        }
    }

    // ------------------------------------------------------------------ LIKE against a regex oracle

    @Provide
    Arbitrary<String> likeText() {
        StringArbitrary s = Arbitraries.strings().withChars("ab%_\\\n").withChars("\uD83D\uDE00".toCharArray());
        return s.ofMaxLength(10).filter(CesqlPropertiesTest::wellFormed);
    }

    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    @Property(tries = 3000)
    void likeAgreesWithARegexOracle(@ForAll("likeText") String text, @ForAll("likeText") String pattern) {
        boolean expected = toRegex(pattern).matcher(text).matches();
        assertThat(Like.Pattern.compile(pattern).matches(text))
                .as("'%s' LIKE '%s'", text, pattern).isEqualTo(expected);
    }

    /** The documented LIKE semantics as a (backtracking, but fine for short inputs) regular expression. */
    private static Pattern toRegex(String pattern) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); ) {
            int cp = pattern.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\\' && i < pattern.length() && (pattern.charAt(i) == '%' || pattern.charAt(i) == '_')) {
                re.append(Pattern.quote(String.valueOf(pattern.charAt(i))));
                i++;
            } else if (cp == '%') {
                re.append(".*");
            } else if (cp == '_') {
                re.append('.');
            } else {
                re.append(Pattern.quote(new String(Character.toChars(cp))));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
