package io.switchboard.cesql;

import java.util.List;
import java.util.Objects;

/**
 * Entry point of the CloudEvents SQL (CESQL v1) evaluator.
 *
 * <pre>{@code
 * CesqlExpression filter = Cesql.parse("type LIKE 'com.example.%' AND source = '/orders'");
 * boolean passes = filter.test(event);            // filter semantics
 * CesqlResult result = filter.evaluate(event);    // value plus all errors
 *
 * CesqlParser withFunctions = Cesql.builder()
 *         .function("HASPREFIX", CesqlType.BOOLEAN, List.of(CesqlType.STRING, CesqlType.STRING),
 *                 call -> call.stringArgument(0).startsWith(call.stringArgument(1)))
 *         .build();
 * CesqlExpression e = withFunctions.parse("HASPREFIX(type, 'com.example.')");
 * }</pre>
 *
 * <p>All methods are thread-safe. See {@code docs/cesql.md} for the language reference.
 */
public final class Cesql {

    /** Default limit on expression length in characters (4 Mi): generous for generated filters, bounded for safety. */
    public static final int DEFAULT_MAX_EXPRESSION_LENGTH = 4 * 1024 * 1024;

    /** Default limit on nesting depth; real filters nest a handful of levels, and this keeps the stack safe. */
    public static final int DEFAULT_MAX_DEPTH = 256;

    /** Largest configurable nesting depth: deeper trees would risk the stack of ordinary threads. */
    public static final int MAX_DEPTH_LIMIT = 500;

    private Cesql() {
    }

    /**
     * Parses and compiles an expression with the built-in functions and the default limits.
     *
     * @param expression CESQL v1 source text, non-null
     * @return the compiled expression, immutable and thread-safe
     * @throws CesqlException       with kind {@link CesqlErrorKind#PARSE} for a syntax error or an exceeded limit,
     *                              or {@link CesqlErrorKind#MISSING_FUNCTION} for an unknown function or wrong arity
     * @throws NullPointerException if {@code expression} is null
     */
    public static CesqlExpression parse(String expression) {
        return CesqlParser.DEFAULT.parse(expression);
    }

    /** @return a new builder for a parser with user-defined functions or other limits */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Configures a {@link CesqlParser}. Each limit may be set once; functions follow CESQL's overloading rules
     * (one definition per name and arity, at most one variadic definition per name, and only with more fixed
     * parameters than any other definition of the name). Built-in functions cannot be redefined or overloaded.
     * Not thread-safe; the parser it builds is.
     */
    public static final class Builder {
        private FunctionTable functions = FunctionTable.builtIns();
        private final FunctionTable builtIns = functions;
        private int maxExpressionLength = -1;
        private int maxDepth = -1;
        private CesqlDataAccessor dataAccessor;

        private Builder() {
        }

        /**
         * Enables the data extension of CESQL v1 (off by default): expressions may then read fields of the event's
         * data with paths such as {@code data.total}, {@code data.customer.tier}, {@code data.lines[0].sku} or
         * {@code data['unit price']}, e.g. {@code type = 'order.created' AND data.total > 100}. A path's value has the
         * CESQL type the accessor answers (Boolean, Integer or String) and takes part in casts and comparisons like an
         * extension attribute; a missing path, an object or array, a number that is not a 32-bit integer or unreadable
         * data is an evaluation error ({@link CesqlDataError}), so the filter does not pass. Without the extension,
         * {@code data} is an ordinary (always missing) attribute name, as CESQL v1 says. See {@code docs/data.md}.
         *
         * @param accessor reads values from the event's data; thread-safe, never throwing
         * @return this builder
         * @throws IllegalStateException if already set
         * @throws NullPointerException  if {@code accessor} is null
         */
        public Builder dataFields(CesqlDataAccessor accessor) {
            Objects.requireNonNull(accessor, "accessor");
            if (dataAccessor != null) {
                throw new IllegalStateException("dataFields was already set to " + dataAccessor);
            }
            dataAccessor = accessor;
            return this;
        }

        /**
         * @param maxChars the maximum number of characters of an expression, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code maxChars < 1}
         * @throws IllegalStateException    if already set
         */
        public Builder maxExpressionLength(int maxChars) {
            if (maxExpressionLength != -1) {
                throw new IllegalStateException("maxExpressionLength was already set to " + maxExpressionLength);
            }
            if (maxChars < 1) {
                throw new IllegalArgumentException("maxExpressionLength must be at least 1, was " + maxChars);
            }
            maxExpressionLength = maxChars;
            return this;
        }

        /**
         * @param levels the maximum nesting depth, between 1 and {@value #MAX_DEPTH_LIMIT}; deep nesting costs
         *               stack on parse and evaluation, so raise it only as far as needed
         * @return this builder
         * @throws IllegalArgumentException if out of range
         * @throws IllegalStateException    if already set
         */
        public Builder maxDepth(int levels) {
            if (maxDepth != -1) {
                throw new IllegalStateException("maxDepth was already set to " + maxDepth);
            }
            if (levels < 1 || levels > MAX_DEPTH_LIMIT) {
                throw new IllegalArgumentException("maxDepth must be between 1 and " + MAX_DEPTH_LIMIT + ", was "
                        + levels);
            }
            maxDepth = levels;
            return this;
        }

        /**
         * Registers a user-defined function with a fixed number of parameters.
         *
         * @param name           letters and underscores, starting with a letter; case-insensitive
         * @param returnType     the type of the result
         * @param parameterTypes the parameter types; arguments are cast to them before the call
         * @param body           the implementation, thread-safe and pure
         * @return this builder
         * @throws IllegalArgumentException if the name is invalid, a keyword, a built-in function, or already
         *                                  registered with this arity (or clashes with a variadic definition)
         * @throws NullPointerException     if an argument is null
         */
        public Builder function(String name, CesqlType returnType, List<CesqlType> parameterTypes,
                CesqlFunction body) {
            return add(name, returnType, parameterTypes, null, body);
        }

        /**
         * Registers a user-defined variadic function: the fixed parameters, then any number (zero or more) of
         * arguments of {@code variadicType}.
         *
         * @param name                letters and underscores, starting with a letter; case-insensitive
         * @param returnType          the type of the result
         * @param fixedParameterTypes the leading parameter types, possibly empty
         * @param variadicType        the type of each further argument
         * @param body                the implementation, thread-safe and pure
         * @return this builder
         * @throws IllegalArgumentException if the name is invalid, a keyword or a built-in function, if the name
         *                                  already has a variadic definition, or if another definition of the name
         *                                  has as many parameters as this one has fixed parameters, or more
         * @throws NullPointerException     if an argument is null
         */
        public Builder variadicFunction(String name, CesqlType returnType, List<CesqlType> fixedParameterTypes,
                CesqlType variadicType, CesqlFunction body) {
            Objects.requireNonNull(variadicType, "variadicType");
            return add(name, returnType, fixedParameterTypes, variadicType, body);
        }

        private Builder add(String name, CesqlType returnType, List<CesqlType> parameterTypes,
                CesqlType variadicType, CesqlFunction body) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(returnType, "returnType");
            Objects.requireNonNull(parameterTypes, "parameterTypes");
            Objects.requireNonNull(body, "body");
            if (!name.matches("[A-Za-z][A-Za-z_]*")) {
                throw new IllegalArgumentException("'" + name + "' is not a valid CESQL function name: use letters "
                        + "and underscores, starting with a letter");
            }
            String upper = Parser.asciiUpper(name);
            if (builtIns.hasName(upper)) {
                throw new IllegalArgumentException(upper + " is a built-in CESQL function and cannot be redefined "
                        + "or overloaded; choose another name");
            }
            if (List.of("AND", "OR", "XOR", "NOT", "LIKE", "IN", "EXISTS", "TRUE", "FALSE").contains(upper)) {
                throw new IllegalArgumentException(upper + " is a CESQL keyword and cannot name a function");
            }
            Node.Type[] params = new Node.Type[parameterTypes.size()];
            for (int i = 0; i < params.length; i++) {
                params[i] = internal(Objects.requireNonNull(parameterTypes.get(i), "parameter type " + i));
            }
            Node.Type variadic = variadicType == null ? null : internal(variadicType);
            functions = functions.with(new FunctionDef(upper, params, variadic, internal(returnType),
                    (args, pos) -> UserFunctionCall.create(upper, returnType, body, args, pos)));
            return this;
        }

        private static Node.Type internal(CesqlType type) {
            return switch (type) {
                case BOOLEAN -> Node.Type.BOOL;
                case INTEGER -> Node.Type.INT;
                case STRING -> Node.Type.STRING;
            };
        }

        /** @return an immutable, thread-safe parser with the functions and limits configured so far */
        public CesqlParser build() {
            return new CesqlParser(functions,
                    maxExpressionLength == -1 ? DEFAULT_MAX_EXPRESSION_LENGTH : maxExpressionLength,
                    maxDepth == -1 ? DEFAULT_MAX_DEPTH : maxDepth, dataAccessor);
        }
    }
}
