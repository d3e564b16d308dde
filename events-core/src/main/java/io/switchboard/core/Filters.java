package io.switchboard.core;

import io.switchboard.cesql.Cesql;
import io.switchboard.cesql.CesqlExpression;
import io.switchboard.core.internal.dispatch.InputFilter;

import java.util.Map;

/** Compiles input filters with the CESQL evaluator, extracting the index keys. */
final class Filters {

    private Filters() {
    }

    /**
     * @throws io.switchboard.cesql.CesqlException if the expression is not valid CESQL
     */
    static InputFilter compile(String expression) {
        if (expression == null) {
            return InputFilter.ALL;
        }
        CesqlExpression compiled = Cesql.parse(expression);
        Map<String, String> equalities = compiled.equalityConjuncts();
        return new InputFilter(expression, equalities.get("type"), equalities.get("source"), compiled::test);
    }
}
