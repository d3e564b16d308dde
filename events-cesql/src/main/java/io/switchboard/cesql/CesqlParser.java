package io.switchboard.cesql;

import java.util.Objects;

/**
 * Compiles CESQL v1 expressions with a fixed set of functions and limits; built by {@link Cesql#builder()}.
 * {@link Cesql#parse(String)} uses an instance with the built-in functions and default limits.
 *
 * <p>Immutable and thread-safe.
 */
public final class CesqlParser {

    static final CesqlParser DEFAULT = new CesqlParser(FunctionTable.builtIns(),
            Cesql.DEFAULT_MAX_EXPRESSION_LENGTH, Cesql.DEFAULT_MAX_DEPTH, null);

    private final FunctionTable functions;
    private final int maxExpressionLength;
    private final int maxDepth;
    private final CesqlDataAccessor dataAccessor;

    CesqlParser(FunctionTable functions, int maxExpressionLength, int maxDepth, CesqlDataAccessor dataAccessor) {
        this.functions = functions;
        this.maxExpressionLength = maxExpressionLength;
        this.maxDepth = maxDepth;
        this.dataAccessor = dataAccessor;
    }

    /**
     * Parses and compiles an expression.
     *
     * @param expression CESQL v1 source text, non-null
     * @return the compiled expression, immutable and thread-safe
     * @throws CesqlException       with kind {@link CesqlErrorKind#PARSE} for a syntax error or an exceeded limit,
     *                              or {@link CesqlErrorKind#MISSING_FUNCTION} for an unknown function or wrong arity
     * @throws NullPointerException if {@code expression} is null
     */
    public CesqlExpression parse(String expression) {
        Objects.requireNonNull(expression, "expression");
        return new CompiledExpression(expression, Parser.parse(expression, functions, maxExpressionLength, maxDepth,
                dataAccessor));
    }

    /** @return the maximum number of characters an expression may have */
    public int maxExpressionLength() {
        return maxExpressionLength;
    }

    /** @return whether expressions may read fields of the event's data (see {@link Cesql.Builder#dataFields}) */
    public boolean readsDataFields() {
        return dataAccessor != null;
    }

    /** @return the maximum nesting depth (parentheses, prefix operators, calls, IN sets) */
    public int maxDepth() {
        return maxDepth;
    }
}
