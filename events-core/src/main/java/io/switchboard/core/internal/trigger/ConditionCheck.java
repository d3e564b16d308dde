package io.switchboard.core.internal.trigger;

import io.switchboard.api.ConfigurationException;

import java.util.Collection;

/**
 * Checks a subscriber condition against a trigger's inputs without building a gate, for callers that must say where
 * in the condition a mistake is (the configuration-file loader).
 */
public final class ConditionCheck {

    /**
     * A mistake in a condition.
     *
     * @param column  1-based column in the condition text where it is, or 1 when it concerns the whole condition
     * @param message what is wrong
     * @param unknown the unknown input name found there, or {@code null} when the mistake is another
     */
    public record Mistake(int column, String message, String unknown) {
    }

    private ConditionCheck() {
    }

    /** The first mistake in {@code text} against inputs {@code known}, or {@code null} when it compiles. */
    public static Mistake check(String text, Collection<String> known) {
        ConditionSyntax.Expr expr;
        try {
            expr = ConditionSyntax.parse(text);
        } catch (ConditionSyntax.SyntaxError e) {
            return new Mistake(e.column, e.getMessage(), null);
        }
        Mistake unknown = firstUnknown(expr, known);
        if (unknown != null) {
            return unknown;
        }
        try {
            Condition.compile(text, known, "condition");
            return null;
        } catch (ConfigurationException e) {
            String m = e.getMessage();
            int cut = m.indexOf("': ");
            return new Mistake(1, cut >= 0 ? m.substring(cut + 3) : m, null);
        }
    }

    private static Mistake firstUnknown(ConditionSyntax.Expr expr, Collection<String> known) {
        if (expr instanceof ConditionSyntax.Name name) {
            return known.contains(name.name()) ? null
                    : new Mistake(name.column(), "names unknown input '" + name.name() + "'", name.name());
        }
        if (expr instanceof ConditionSyntax.Not not) {
            return firstUnknown(not.operand(), known);
        }
        if (expr instanceof ConditionSyntax.And and) {
            Mistake m = firstUnknown(and.left(), known);
            return m != null ? m : firstUnknown(and.right(), known);
        }
        ConditionSyntax.Or or = (ConditionSyntax.Or) expr;
        Mistake m = firstUnknown(or.left(), known);
        return m != null ? m : firstUnknown(or.right(), known);
    }
}
