package io.switchboard.cesql;

import io.cloudevents.CloudEvent;
import java.util.Map;

/**
 * A compiled CESQL v1 expression: parse once with {@link Cesql#parse(String)}, evaluate against many events.
 *
 * <p>Immutable and thread-safe: one instance may be evaluated from any number of threads at once. Evaluation
 * never mutates the event, never throws for evaluation errors and allocates nothing when it succeeds with a
 * Boolean result.
 */
public sealed interface CesqlExpression permits CompiledExpression {

    /**
     * Evaluates the expression in complete evaluation mode (spec section 4.1).
     *
     * @param event the input event, non-null
     * @return the value and all errors raised; for an error-free Boolean result a shared instance
     * @throws NullPointerException if {@code event} is null
     */
    CesqlResult evaluate(CloudEvent event);

    /**
     * Filter semantics (spec section 1.2): true iff the expression evaluates to {@code true} without any error.
     * Always agrees with {@code evaluate(event).passes()}, but may stop at the first error.
     *
     * @param event the input event, non-null
     * @return whether the event passes the filter
     * @throws NullPointerException if {@code event} is null
     */
    boolean test(CloudEvent event);

    /**
     * The top-level equality conjuncts, for indexing filters: for each top-level AND-operand (after constant
     * folding) of the form {@code identifier = 'string literal'} (or {@code 'string literal' = identifier}
     * where the identifier is a context attribute that is always a String), the lower-cased attribute name mapped
     * to the literal. Empty when there is none, or when the top level is not an AND chain (or a single such
     * equality) — an OR at the top level gives an empty map.
     *
     * <p>Soundness: an event can only make {@link #test} true if, for every entry, the event has the attribute and
     * its CESQL string form equals the value (a String attribute as is; an Integer extension in base 10; a Boolean
     * extension as {@code true}/{@code false}; a timestamp as RFC 3339 text with seconds). An event missing the
     * attribute yields an error, so {@code test} is false for it and an index may skip it. When one attribute is
     * compared to two different literals, the first is kept (the expression can then never pass).
     *
     * @return an unmodifiable map, lower-cased attribute name to required value; never null
     */
    Map<String, String> equalityConjuncts();

    /** @return the source text this expression was parsed from */
    String expression();
}
