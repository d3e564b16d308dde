package io.switchboard.cesql;

import static io.switchboard.cesql.Eval.assertValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Safety: hostile or generated expressions give a value or a PARSE error, never a StackOverflowError or another
 * exception, and long inputs stay linear. (Timeouts here only guard against hangs; they measure nothing.)
 */
class LimitsTest {

    private static final Duration HANG_GUARD = Duration.ofSeconds(20);

    @Test
    void tenThousandNestedParenthesesAreAParseErrorNotAStackOverflow() {
        String deep = "(".repeat(10_000) + "true" + ")".repeat(10_000);
        Throwable t = catchThrowable(() -> Cesql.parse(deep));
        assertThat(t).isInstanceOf(CesqlException.class);
        assertThat(((CesqlException) t).kind()).isEqualTo(CesqlErrorKind.PARSE);
        assertThat(t.getMessage()).contains("maxDepth");
    }

    @Test
    void deepPrefixOperatorsAndCallsAreParseErrorsToo() {
        for (String deep : new String[] {
            "NOT ".repeat(10_000) + "true",
            "-".repeat(10_000) + "1",
            "- ".repeat(10_000) + "x",
            "ABS(".repeat(10_000) + "1" + ")".repeat(10_000),
            "1 IN (".repeat(10_000) + "1" + ")".repeat(10_000),
            "(".repeat(10_000),
        }) {
            Throwable t = catchThrowable(() -> Cesql.parse(deep));
            assertThat(t).isInstanceOf(CesqlException.class);
            assertThat(((CesqlException) t).kind()).isEqualTo(CesqlErrorKind.PARSE);
        }
    }

    @Test
    void longOperatorChainsWithoutParenthesesDoNotRecurse() {
        // left-folded chains of one precedence level become one flat node
        assertValue("1" + " + 1".repeat(50_000), 50_001);
        assertValue("true" + " AND true OR false XOR false".repeat(20_000), true);
        // a constant chain of comparisons folds to a value as it is parsed
        assertValue("1" + " < 2".repeat(10_000), true);
        // one that reads an attribute nests (comparisons do not chain): a PARSE error, nothing else
        Throwable t = catchThrowable(() -> Cesql.parse("myint" + " < 2".repeat(10_000)));
        assertThat(t).isInstanceOf(CesqlException.class);
    }

    @Test
    void nestingUpToTheLimitWorksOnASmallThreadStack() throws InterruptedException {
        String parens = "(".repeat(Cesql.DEFAULT_MAX_DEPTH) + "1 + 1" + ")".repeat(Cesql.DEFAULT_MAX_DEPTH);
        String nots = "NOT ".repeat(Cesql.DEFAULT_MAX_DEPTH) + "true";
        String calls = "ABS(".repeat(Cesql.DEFAULT_MAX_DEPTH) + "-1" + ")".repeat(Cesql.DEFAULT_MAX_DEPTH);
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread small = new Thread(null, () -> {
            try {
                outcome.set(new Object[] {
                    Cesql.parse(parens).evaluate(Eval.EVENT).value(),
                    Cesql.parse(nots).evaluate(Eval.EVENT).value(),
                    Cesql.parse(calls).evaluate(Eval.EVENT).value(),
                });
            } catch (Throwable e) {
                outcome.set(e);
            }
        }, "small-stack", 256 * 1024);
        small.start();
        small.join(30_000);
        assertThat(small.isAlive()).as("thread " + small.getName() + " finished within 30 s").isFalse();
        assertThat(outcome.get()).isEqualTo(new Object[] {2, true, 1});
    }

    @Test
    void aSeventyFiveThousandTermOrChainParsesAndEvaluatesIteratively() {
        StringBuilder sb = new StringBuilder("type = 't0'");
        for (int i = 1; i < 75_000; i++) {
            sb.append(" OR type = 't").append(i).append('\'');
        }
        String chain = sb.toString();
        CesqlExpression e = assertTimeoutPreemptively(HANG_GUARD, () -> Cesql.parse(chain));
        assertThat(e.test(TckEvents.with("type", "t74999"))).isTrue();
        assertThat(e.test(TckEvents.with("type", "t75000"))).isFalse();
        assertThat(e.evaluate(TckEvents.base().withSubject(null).build()).value()).isEqualTo(false);
        assertThat(e.equalityConjuncts()).isEmpty();
    }

    @Test
    void aOneMegabyteExpressionParses() {
        String big = "'" + "x".repeat(1024 * 1024) + "' LIKE '%x'";
        CesqlExpression e = assertTimeoutPreemptively(HANG_GUARD, () -> Cesql.parse(big));
        assertThat(e.test(Eval.EVENT)).isTrue();
        String manyTerms = "subject IN ('" + "a', '".repeat(200_000) + "b')";
        assertThat(manyTerms.length()).isGreaterThan(1_000_000);
        assertThat(assertTimeoutPreemptively(HANG_GUARD, () -> Cesql.parse(manyTerms)).test(
                TckEvents.with("subject", "b"))).isTrue();
    }

    @Test
    void likeStaysLinearWithManyWildcards() {
        String text = "a".repeat(200_000);
        String pattern = "%a".repeat(2_000) + "%b";
        CloudEvent e = TckEvents.with("myext", text);
        CesqlExpression like = Cesql.parse("myext LIKE '" + pattern + "'");
        assertThat(assertTimeoutPreemptively(HANG_GUARD, () -> like.test(e))).isFalse();
        CesqlExpression underscores = Cesql.parse("myext LIKE '" + "%_a".repeat(1_000) + "%b'");
        assertThat(assertTimeoutPreemptively(HANG_GUARD, () -> underscores.test(e))).isFalse();
        CesqlExpression matching = Cesql.parse("myext LIKE '" + "%a".repeat(2_000) + "%'");
        assertThat(assertTimeoutPreemptively(HANG_GUARD, () -> matching.test(e))).isTrue();
    }

    @Test
    void limitsAreConfigurable() {
        CesqlParser strict = Cesql.builder().maxExpressionLength(10).maxDepth(2).build();
        assertThat(strict.maxExpressionLength()).isEqualTo(10);
        assertThat(strict.maxDepth()).isEqualTo(2);
        assertThat(strict.parse("((1))").evaluate(Eval.EVENT).value()).isEqualTo(1);
        CesqlException depth = (CesqlException) catchThrowable(() -> strict.parse("(((1)))"));
        assertThat(depth.kind()).isEqualTo(CesqlErrorKind.PARSE);
        CesqlException length = (CesqlException) catchThrowable(() -> strict.parse("'0123456789'"));
        assertThat(length.kind()).isEqualTo(CesqlErrorKind.PARSE);
        assertThat(length.getMessage()).contains("maxExpressionLength");
        CesqlParser deep = Cesql.builder().maxDepth(500).build();
        assertThat(deep.parse("(".repeat(500) + "1" + ")".repeat(500)).evaluate(Eval.EVENT).value())
                .isEqualTo(1);
        assertThat(deep.parse("NOT ".repeat(500) + "myb").evaluate(TckEvents.with("myb", true)).value())
                .isEqualTo(true);
    }

    @Test
    void theBuilderChecksEachSettingOnce() {
        assertThatIllegalArgumentException().isThrownBy(() -> Cesql.builder().maxDepth(0));
        assertThatIllegalArgumentException().isThrownBy(() -> Cesql.builder().maxDepth(501));
        assertThatIllegalArgumentException().isThrownBy(() -> Cesql.builder().maxExpressionLength(0));
        assertThatIllegalStateException().isThrownBy(() -> Cesql.builder().maxDepth(5).maxDepth(6))
                .withMessageContaining("already set to 5");
        assertThatIllegalStateException().isThrownBy(() -> Cesql.builder().maxExpressionLength(5)
                .maxExpressionLength(6));
    }
}
