package io.switchboard.cesql;

import static io.switchboard.cesql.CesqlErrorKind.FUNCTION_EVALUATION;
import static io.switchboard.cesql.CesqlErrorKind.MISSING_ATTRIBUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The extension point: user-defined functions registered on a builder, with the spec's rules (3.5, 3.5.3). */
class UserDefinedFunctionsTest {

    private static final CesqlParser PARSER = Cesql.builder()
            .function("HASPREFIX", CesqlType.BOOLEAN, List.of(CesqlType.STRING, CesqlType.STRING),
                    call -> call.stringArgument(0).startsWith(call.stringArgument(1)))
            .function("twice", CesqlType.INTEGER, List.of(CesqlType.INTEGER), call -> call.intArgument(0) * 2)
            .function("EVENT_TYPE", CesqlType.STRING, List.of(), call -> call.event().getType())
            .function("FAILS", CesqlType.STRING, List.of(), call -> {
                throw new IllegalStateException("boom");
            })
            .function("WRONG_TYPE", CesqlType.INTEGER, List.of(), call -> "not an int")
            .function("NULLS", CesqlType.BOOLEAN, List.of(), call -> null)
            .function("WARNS", CesqlType.STRING, List.of(CesqlType.STRING), call -> {
                call.reportError("argument was suspicious");
                return call.stringArgument(0);
            })
            .function("JOIN", CesqlType.STRING, List.of(CesqlType.STRING), call -> call.stringArgument(0))
            .variadicFunction("JOIN", CesqlType.STRING, List.of(CesqlType.STRING, CesqlType.STRING),
                    CesqlType.BOOLEAN, call -> call.stringArgument(0) + call.stringArgument(1)
                            + call.argumentCount())
            .build();

    private static CesqlResult eval(String expression) {
        CesqlExpression e = PARSER.parse(expression);
        CesqlResult r = e.evaluate(Eval.EVENT);
        assertThat(e.test(Eval.EVENT)).isEqualTo(r.passes());
        return r;
    }

    @Test
    void argumentsAreCastToTheDeclaredTypes() {
        assertThat(eval("HASPREFIX(type, 'base.')").value()).isEqualTo(true);
        assertThat(eval("HASPREFIX(12345, 12)").value()).isEqualTo(true);
        assertThat(eval("twice('21')").value()).isEqualTo(42);
        assertThat(eval("TWICE(TRUE)").value()).isEqualTo(2);
        assertThat(eval("EVENT_TYPE()").value()).isEqualTo("base.type");
    }

    @Test
    void overloadsResolveByArity() {
        assertThat(eval("JOIN('a')").value()).isEqualTo("a");
        assertThat(eval("JOIN('a', 'b')").value()).isEqualTo("ab2");
        assertThat(eval("JOIN('a', 'b', 'true', 0)").value()).isEqualTo("ab4");
        assertThat(catchThrowableOfType(CesqlException.class, () -> PARSER.parse("JOIN()")).kind())
                .isEqualTo(CesqlErrorKind.MISSING_FUNCTION);
        assertThat(catchThrowableOfType(CesqlException.class, () -> PARSER.parse("twice(1, 2)")).kind())
                .isEqualTo(CesqlErrorKind.MISSING_FUNCTION);
    }

    @Test
    void aFailingFunctionYieldsTheZeroValueAndAFunctionEvaluationError() {
        CesqlResult thrown = eval("FAILS()");
        assertThat(thrown.value()).isEqualTo("");
        assertThat(thrown.errors()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(FUNCTION_EVALUATION);
            assertThat(e.message()).contains("FAILS", "boom");
        });
        assertThat(eval("WRONG_TYPE()").value()).isEqualTo(0);
        assertThat(eval("WRONG_TYPE()").errors()).extracting(CesqlError::kind).containsExactly(FUNCTION_EVALUATION);
        assertThat(eval("NULLS()").value()).isEqualTo(false);
        assertThat(eval("NULLS()").errors()).extracting(CesqlError::kind).containsExactly(FUNCTION_EVALUATION);
    }

    @Test
    void aFunctionCanReturnAValueAndAnError() {
        CesqlResult r = eval("WARNS('x')");
        assertThat(r.value()).isEqualTo("x");
        assertThat(r.errors()).extracting(CesqlError::kind).containsExactly(FUNCTION_EVALUATION);
        assertThat(r.errors().get(0).message()).contains("suspicious");
    }

    @Test
    void aFunctionIsNotCalledWithAnErroredArgument() {
        AtomicInteger calls = new AtomicInteger();
        CesqlParser parser = Cesql.builder().function("COUNT_CALLS", CesqlType.INTEGER, List.of(CesqlType.STRING),
                call -> calls.incrementAndGet()).build();
        CesqlResult r = parser.parse("COUNT_CALLS(missing)").evaluate(Eval.EVENT);
        assertThat(r.value()).isEqualTo(0);
        assertThat(r.errors()).extracting(CesqlError::kind).containsExactly(MISSING_ATTRIBUTE);
        assertThat(calls).hasValue(0);
    }

    @Test
    void userFunctionsAreNotConstantFolded() {
        AtomicInteger calls = new AtomicInteger();
        CesqlParser parser = Cesql.builder().function("TICK", CesqlType.INTEGER, List.of(),
                call -> calls.incrementAndGet()).build();
        CesqlExpression e = parser.parse("TICK() > 0");
        assertThat(calls).hasValue(0);
        assertThat(e.test(Eval.EVENT)).isTrue();
        assertThat(calls).hasValue(1);
    }

    @Test
    void builtInsCannotBeOverriddenAndTheOverloadingRulesAreEnforced() {
        assertThatIllegalArgumentException().isThrownBy(() -> Cesql.builder()
                .function("abs", CesqlType.INTEGER, List.of(CesqlType.INTEGER), c -> 1))
                .withMessageContaining("built-in");
        assertThatIllegalArgumentException().isThrownBy(() -> Cesql.builder()
                .function("LENGTH", CesqlType.INTEGER, List.of(CesqlType.STRING, CesqlType.STRING), c -> 1));
        assertThatIllegalArgumentException().isThrownBy(() -> Cesql.builder()
                .function("F", CesqlType.INTEGER, List.of(), c -> 1)
                .function("f", CesqlType.STRING, List.of(), c -> ""))
                .withMessageContaining("already registered");
        // a variadic definition needs more fixed parameters than the other definitions' arities
        assertThatIllegalArgumentException().isThrownBy(() -> Cesql.builder()
                .function("ABC", CesqlType.INTEGER, List.of(CesqlType.STRING, CesqlType.STRING, CesqlType.STRING),
                        c -> 1)
                .variadicFunction("ABC", CesqlType.INTEGER, List.of(), CesqlType.STRING, c -> 1));
        assertThatIllegalArgumentException().isThrownBy(() -> Cesql.builder()
                .variadicFunction("ABC", CesqlType.INTEGER, List.of(CesqlType.STRING), CesqlType.STRING, c -> 1)
                .function("ABC", CesqlType.INTEGER, List.of(CesqlType.STRING), c -> 1));
        assertThatIllegalArgumentException().isThrownBy(() -> Cesql.builder()
                .variadicFunction("ABC", CesqlType.INTEGER, List.of(), CesqlType.STRING, c -> 1)
                .variadicFunction("ABC", CesqlType.INTEGER, List.of(CesqlType.STRING), CesqlType.STRING, c -> 1));
        assertThatIllegalArgumentException().isThrownBy(() -> Cesql.builder()
                .function("MY-FN", CesqlType.INTEGER, List.of(), c -> 1));
        assertThatIllegalArgumentException().isThrownBy(() -> Cesql.builder()
                .function("_F", CesqlType.INTEGER, List.of(), c -> 1));
        assertThatIllegalArgumentException().isThrownBy(() -> Cesql.builder()
                .function("like", CesqlType.INTEGER, List.of(), c -> 1))
                .withMessageContaining("keyword");
        // the spec's valid example: ABC/1, ABC/2 and a variadic ABC with 3 fixed parameters
        CesqlParser valid = Cesql.builder()
                .function("ABC", CesqlType.INTEGER, List.of(CesqlType.STRING), c -> 1)
                .function("ABC", CesqlType.INTEGER, List.of(CesqlType.STRING, CesqlType.STRING), c -> 2)
                .variadicFunction("ABC", CesqlType.INTEGER,
                        List.of(CesqlType.STRING, CesqlType.STRING, CesqlType.STRING), CesqlType.STRING, c -> 3)
                .build();
        assertThat(valid.parse("ABC('a', 'b', 'c', 'd')").evaluate(Eval.EVENT).value()).isEqualTo(3);
        assertThat(valid.parse("ABC('a', 'b')").evaluate(Eval.EVENT).value()).isEqualTo(2);
    }

    @Test
    void theDefaultParserDoesNotSeeUserFunctions() {
        assertThat(catchThrowableOfType(CesqlException.class, () -> Cesql.parse("HASPREFIX('a', 'b')")).kind())
                .isEqualTo(CesqlErrorKind.MISSING_FUNCTION);
    }
}
