package io.switchboard.core;

import io.switchboard.cesql.CesqlExpression;
import io.switchboard.cesql.CesqlParser;
import io.switchboard.core.internal.dispatch.InputFilter;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Compiles input filters with the CESQL evaluator, extracting the index keys. */
final class Filters {

    private Filters() {
    }

    /**
     * @throws io.switchboard.cesql.CesqlException if the expression is not valid CESQL
     */
    static InputFilter compile(String expression) {
        return compile(expression, io.switchboard.core.internal.data.DataSupport.DEFAULT.filters());
    }

    /**
     * @param parser the runtime's parser: with the data extension when the runtime enables data filters
     * @throws io.switchboard.cesql.CesqlException if the expression is not valid CESQL
     */
    static InputFilter compile(String expression, CesqlParser parser) {
        if (expression == null) {
            return InputFilter.ALL;
        }
        CesqlExpression compiled = parser.parse(expression);
        Map<String, String> equalities = compiled.equalityConjuncts();
        String type = equalities.get("type");
        if (type != null && isOnlyTypeEquality(expression, type)) {
            // the type index already decides exactly this filter: there is no residual to evaluate per event
            return new InputFilter(expression, type, null, null);
        }
        return new InputFilter(expression, type, equalities.get("source"), compiled::test);
    }

    private static final Pattern TYPE_EQUALS = Pattern.compile(
            "\\s*(?:(?i:type)\\s*=\\s*'([^'\\\\]*)'|'([^'\\\\]*)'\\s*=\\s*(?i:type))\\s*");

    /**
     * Whether the whole expression is {@code type = 'literal'} (either way round, any spacing or keyword case), so that
     * an event the type index yields passes it. Anything else — parentheses, escapes, more conjuncts — is left to the
     * evaluator.
     */
    static boolean isOnlyTypeEquality(String expression, String type) {
        Matcher m = TYPE_EQUALS.matcher(expression);
        if (!m.matches()) {
            return false;
        }
        String literal = m.group(1) != null ? m.group(1) : m.group(2);
        return literal.equals(type);
    }
}
