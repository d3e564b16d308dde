package io.switchboard.cesql;

import io.cloudevents.CloudEvent;
import io.switchboard.cesql.Node.AnyNode;
import io.switchboard.cesql.Node.BoolNode;
import io.switchboard.cesql.Node.StrNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The compiled form of a CESQL expression.
 *
 * <p>Design note. The parser does all the work once: it resolves functions, decides every implicit cast from the
 * static types of the operands (only extension attributes are typed per event), folds constant sub-expressions
 * and compiles the result into a tree of small typed closures ({@link Node.BoolNode#evalBool},
 * {@link Node.IntNode#evalInt}, ...). Evaluating is then a walk of final fields and monomorphic calls that pass
 * primitives and the event's own strings: no interpretation, no boxing, no allocation.
 *
 * <p>Errors do not allocate on the success path either. Evaluation first runs against the shared, stateless
 * {@link Errors#FAIL_FAST} sink, which aborts with a preallocated exception at the first error. That is all
 * {@link #test} needs (a filter fails on any error). {@link #evaluate} then re-runs the pure expression with a
 * collecting sink to produce the complete-evaluation result, so only results with errors pay for the error list.
 * Error-free Boolean results are shared instances.
 */
final class CompiledExpression implements CesqlExpression {

    private final String source;
    private final Node root;
    private final BoolNode boolRoot;
    private final Map<String, String> equalityConjuncts;

    CompiledExpression(String source, Node root) {
        this.source = source;
        this.root = root;
        this.boolRoot = root instanceof BoolNode b ? b : null;
        this.equalityConjuncts = conjunctsOf(root);
    }

    @Override
    public CesqlResult evaluate(CloudEvent event) {
        Objects.requireNonNull(event, "event");
        try {
            if (boolRoot != null) {
                return boolRoot.evalBool(event, Errors.FAIL_FAST) ? CesqlResult.TRUE : CesqlResult.FALSE;
            }
            Object value = root.evalObject(event, Errors.FAIL_FAST);
            return value instanceof Boolean b ? (b ? CesqlResult.TRUE : CesqlResult.FALSE)
                    : new CesqlResult(value, List.of());
        } catch (Errors.Abort abort) {
            return evaluateCompletely(event);
        } catch (RuntimeException unexpected) {
            return failed(unexpected);
        }
    }

    private CesqlResult evaluateCompletely(CloudEvent event) {
        Errors errors = Errors.collecting();
        try {
            Object value = root.evalObject(event, errors);
            if (errors.count != 0 && (root instanceof AnyNode || root instanceof Attributes.ContextAttribute)) {
                // a lone attribute has no return type the engine could determine: the spec then assumes Boolean,
                // so a missing one yields false (spec 3.2)
                value = Boolean.FALSE;
            }
            return new CesqlResult(value, errors.list());
        } catch (RuntimeException unexpected) {
            return failed(unexpected);
        }
    }

    /** A broken CloudEvent implementation or user function must not make evaluate() throw. */
    private static CesqlResult failed(RuntimeException e) {
        return new CesqlResult(Boolean.FALSE, List.of(new CesqlError(CesqlErrorKind.GENERIC,
                "evaluation failed unexpectedly: " + e)));
    }

    @Override
    public boolean test(CloudEvent event) {
        Objects.requireNonNull(event, "event");
        try {
            if (boolRoot != null) {
                return boolRoot.evalBool(event, Errors.FAIL_FAST);
            }
            if (root instanceof AnyNode any) {
                return Boolean.TRUE.equals(any.evalAny(event, Errors.FAIL_FAST));
            }
            return false; // an Integer or String result never passes a filter
        } catch (RuntimeException abortOrUnexpected) {
            return false;
        }
    }

    @Override
    public Map<String, String> equalityConjuncts() {
        return equalityConjuncts;
    }

    @Override
    public String expression() {
        return source;
    }

    @Override
    public String toString() {
        return source;
    }

    private static Map<String, String> conjunctsOf(Node root) {
        Map<String, String> out = new LinkedHashMap<>();
        if (root instanceof Logic.AllAnd and) {
            for (BoolNode term : and.terms) {
                addConjunct(term, out);
            }
        } else {
            addConjunct(root, out);
        }
        return Map.copyOf(out);
    }

    private static void addConjunct(Node term, Map<String, String> out) {
        String name = null;
        String value = null;
        if (term instanceof Comparison.StrEqLiteral eq && !eq.negate) {
            name = attributeName(eq.left);
            value = eq.literal;
        } else if (term instanceof Comparison.StrEq eq && !eq.negate
                && eq.left instanceof Literals.StrLit lit && eq.right instanceof Attributes.ContextAttribute attr) {
            // 'x' = type: only for context attributes, which are always Strings; for an extension the literal
            // would be cast to the extension's type ('05' = 5 is true), which a string index cannot model
            name = attr.name;
            value = lit.value;
        }
        if (name != null) {
            out.putIfAbsent(name, value);
        }
    }

    private static String attributeName(StrNode node) {
        if (node instanceof Attributes.ContextAttribute attr) {
            return attr.name;
        }
        if (node instanceof Casts.AnyToStr cast && cast.child instanceof Attributes.Extension ext) {
            return ext.name;
        }
        return null;
    }
}
