package io.switchboard.core.internal.trigger;

import io.switchboard.api.ConfigurationException;
import io.switchboard.core.internal.trigger.ConditionSyntax.And;
import io.switchboard.core.internal.trigger.ConditionSyntax.Expr;
import io.switchboard.core.internal.trigger.ConditionSyntax.Name;
import io.switchboard.core.internal.trigger.ConditionSyntax.Not;
import io.switchboard.core.internal.trigger.ConditionSyntax.Or;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A subscriber condition compiled over a bit mask of held inputs: bit {@code i} stands for {@link #inputs()}{@code [i]}.
 *
 * <p>Design note: conditions name few inputs, so the expression is compiled once into a truth table (up to
 * {@value #TABLE_LIMIT} inputs: one array read and a shift per test) or, beyond that, into a tree of small
 * closures over the mask. Evaluation never allocates.
 *
 * <p>Polarity: an input is <em>positive</em> if it occurs at least once under an even number of negations. Only
 * events of positive inputs can fire a subscriber and be delivered; inputs that occur only negated are
 * <em>inhibitors</em>: while one of their events is held, the negation is false. Immutable and thread-safe.
 */
final class Condition {

    /** Largest number of inputs for which the condition is tabulated. */
    static final int TABLE_LIMIT = 12;
    /** Largest number of inputs a condition may name (one bit each in a {@code long}). */
    static final int MAX_INPUTS = 64;
    private static final int SATISFIABILITY_CHECK_LIMIT = 20;

    @FunctionalInterface
    private interface MaskPredicate {
        boolean test(long held);
    }

    private final String text;
    private final List<String> inputs;
    private final long positive;
    private final boolean stateless;
    private final long[] table;
    private final MaskPredicate predicate;

    private Condition(String text, List<String> inputs, long positive, boolean stateless, MaskPredicate predicate) {
        this.text = text;
        this.inputs = List.copyOf(inputs);
        this.positive = positive;
        this.stateless = stateless;
        this.predicate = predicate;
        this.table = inputs.size() <= TABLE_LIMIT ? tabulate(predicate, inputs.size()) : null;
    }

    /**
     * Parses and compiles {@code text} against the trigger's inputs.
     *
     * @param known inputs of the trigger in declaration order; bits are assigned in this order
     * @param owner names the subscriber and trigger in error messages, e.g. {@code subscriber 's' of trigger 't'}
     * @throws ConfigurationException for a syntax error (with its column), an unknown input (listing the known ones),
     *                                more than {@value #MAX_INPUTS} inputs, or a condition that can never fire
     */
    static Condition compile(String text, Collection<String> known, String owner) {
        Expr expr;
        try {
            expr = ConditionSyntax.parse(text);
        } catch (ConditionSyntax.SyntaxError e) {
            throw new ConfigurationException(owner + ": condition '" + text + "' is malformed at column " + e.column
                    + ": " + e.getMessage() + "\n    " + text + "\n    " + " ".repeat(e.column - 1) + "^");
        }
        Set<String> named = new HashSet<>();
        collectNames(expr, named, known, text, owner);
        List<String> inputs = new ArrayList<>();
        for (String input : known) {
            if (named.contains(input)) {
                inputs.add(input);
            }
        }
        if (inputs.size() > MAX_INPUTS) {
            throw new ConfigurationException(owner + ": condition '" + text + "' names " + inputs.size()
                    + " inputs; at most " + MAX_INPUTS + " are supported: split the trigger");
        }
        long positive = polarity(expr, false, inputs);
        if (positive == 0) {
            throw new ConfigurationException(owner + ": condition '" + text + "' can never fire: every input in it is"
                    + " negated, and only events of an input named without '!' fire a subscriber");
        }
        Condition condition = new Condition(text, inputs, positive, isOrOnly(expr), compile(expr, inputs));
        if (inputs.size() <= SATISFIABILITY_CHECK_LIMIT && !condition.satisfiable()) {
            throw new ConfigurationException(owner + ": condition '" + text + "' can never be true:"
                    + " no combination of held inputs satisfies it");
        }
        return condition;
    }

    /** All of {@code inputs} joined with {@code &&}: the meaning of "no condition". */
    static Condition allOf(List<String> inputs, String owner) {
        return compile(String.join(" && ", inputs), inputs, owner);
    }

    /** Whether the condition holds when exactly the inputs in {@code held} have an event. */
    boolean test(long held) {
        long[] t = table;
        if (t != null) {
            return ((t[(int) (held >>> 6)] >>> (held & 63)) & 1L) != 0;
        }
        return predicate.test(held);
    }

    /** The inputs named in the condition, in trigger declaration order; bit {@code i} is {@code inputs().get(i)}. */
    List<String> inputs() {
        return inputs;
    }

    /** Bits of the positive inputs (see the class description). */
    long positive() {
        return positive;
    }

    /** Whether the condition is an {@code ||} of names only, so every event of a named input fires by itself. */
    boolean stateless() {
        return stateless;
    }

    String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    private boolean satisfiable() {
        long limit = 1L << inputs.size();
        for (long mask = 1; mask < limit; mask++) {
            if ((mask & positive) != 0 && test(mask)) {
                return true;
            }
        }
        return false;
    }

    private static void collectNames(Expr expr, Set<String> named, Collection<String> known, String text,
                                     String owner) {
        if (expr instanceof Name name) {
            if (!known.contains(name.name())) {
                throw new ConfigurationException(owner + ": condition '" + text + "' names unknown input '"
                        + name.name() + "' at column " + name.column() + "; known inputs: " + known
                        + " (input names are case-sensitive; AND, OR and NOT are keywords)");
            }
            named.add(name.name());
        } else if (expr instanceof Not not) {
            collectNames(not.operand(), named, known, text, owner);
        } else if (expr instanceof And and) {
            collectNames(and.left(), named, known, text, owner);
            collectNames(and.right(), named, known, text, owner);
        } else {
            Or or = (Or) expr;
            collectNames(or.left(), named, known, text, owner);
            collectNames(or.right(), named, known, text, owner);
        }
    }

    private static long polarity(Expr expr, boolean negated, List<String> inputs) {
        if (expr instanceof Name name) {
            return negated ? 0L : bit(name, inputs);
        } else if (expr instanceof Not not) {
            return polarity(not.operand(), !negated, inputs);
        } else if (expr instanceof And and) {
            return polarity(and.left(), negated, inputs) | polarity(and.right(), negated, inputs);
        }
        Or or = (Or) expr;
        return polarity(or.left(), negated, inputs) | polarity(or.right(), negated, inputs);
    }

    private static boolean isOrOnly(Expr expr) {
        if (expr instanceof Name) {
            return true;
        }
        if (expr instanceof Or or) {
            return isOrOnly(or.left()) && isOrOnly(or.right());
        }
        return false;
    }

    private static MaskPredicate compile(Expr expr, List<String> inputs) {
        if (expr instanceof Name name) {
            long bit = bit(name, inputs);
            return held -> (held & bit) != 0;
        } else if (expr instanceof Not not) {
            MaskPredicate operand = compile(not.operand(), inputs);
            return held -> !operand.test(held);
        } else if (expr instanceof And and) {
            MaskPredicate left = compile(and.left(), inputs);
            MaskPredicate right = compile(and.right(), inputs);
            return held -> left.test(held) && right.test(held);
        }
        Or or = (Or) expr;
        MaskPredicate left = compile(or.left(), inputs);
        MaskPredicate right = compile(or.right(), inputs);
        return held -> left.test(held) || right.test(held);
    }

    private static long bit(Name name, List<String> inputs) {
        return 1L << inputs.indexOf(name.name());
    }

    private static long[] tabulate(MaskPredicate predicate, int size) {
        int rows = 1 << size;
        long[] table = new long[Math.max(1, rows >>> 6)];
        for (int mask = 0; mask < rows; mask++) {
            if (predicate.test(mask)) {
                table[mask >>> 6] |= 1L << (mask & 63);
            }
        }
        return table;
    }
}
