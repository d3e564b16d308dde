package io.switchboard.cesql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudevents.CloudEvent;
import java.util.List;

/** Test helpers: evaluate against the base event and check value, error kinds and test()/evaluate() agreement. */
final class Eval {

    static final CloudEvent EVENT = TckEvents.base().build();

    private Eval() {
    }

    static CesqlResult eval(String expression) {
        return eval(expression, EVENT);
    }

    static CesqlResult eval(String expression, CloudEvent event) {
        CesqlExpression e = Cesql.parse(expression);
        CesqlResult result = e.evaluate(event);
        assertThat(e.test(event)).as("test() agrees with evaluate() for %s", expression).isEqualTo(result.passes());
        assertThat(result.errors()).allSatisfy(err -> assertThat(err.message()).isNotBlank());
        return result;
    }

    /** Asserts the value and that no error was raised. */
    static void assertValue(String expression, Object expected) {
        assertValue(expression, EVENT, expected);
    }

    static void assertValue(String expression, CloudEvent event, Object expected) {
        CesqlResult r = eval(expression, event);
        assertThat(r.errors()).as("errors of %s", expression).isEmpty();
        assertThat(r.value()).as("value of %s", expression).isEqualTo(expected);
    }

    /** Asserts the value and exactly these error kinds, in order. */
    static void assertErrors(String expression, Object expected, CesqlErrorKind... kinds) {
        assertErrors(expression, EVENT, expected, kinds);
    }

    static void assertErrors(String expression, CloudEvent event, Object expected, CesqlErrorKind... kinds) {
        CesqlResult r = eval(expression, event);
        assertThat(r.value()).as("value of %s", expression).isEqualTo(expected);
        assertThat(r.errors().stream().map(CesqlError::kind).toList()).as("error kinds of %s", expression)
                .isEqualTo(List.of(kinds));
    }

    static CesqlException parseError(String expression) {
        CesqlException e = catchThrowableOfType(CesqlException.class, () -> Cesql.parse(expression));
        assertThat(e).as("parsing %s must fail", expression).isNotNull();
        assertThat(e.getMessage()).isNotBlank();
        return e;
    }

    static void assertParseError(String expression, int position) {
        CesqlException e = parseError(expression);
        assertThat(e.kind()).as("kind for %s", expression).isEqualTo(CesqlErrorKind.PARSE);
        assertThat(e.position()).as("position for %s (%s)", expression, e.getMessage()).isEqualTo(position);
    }
}
