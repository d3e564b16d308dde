package io.switchboard.core.internal.trigger;

import io.switchboard.api.ConfigurationException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random boolean expressions over input names, rendered in randomly chosen spellings ({@code &&}/{@code AND}/{@code and},
 * redundant parentheses, spacing), compiled, and compared with a direct evaluation of the expression on every
 * combination of held inputs.
 */
class ConditionPropertyTest {

    private static final List<String> FEW = List.of("a", "b", "c", "d", "e");
    private static final List<String> MANY = manyNames();

    /** A reference expression. */
    sealed interface Ref permits Var, Neg, Both, Either {
    }

    record Var(String name) implements Ref {
    }

    record Neg(Ref operand) implements Ref {
    }

    record Both(Ref left, Ref right) implements Ref {
    }

    record Either(Ref left, Ref right) implements Ref {
    }

    @Property(tries = 400)
    void compiledConditionAgreesWithReferenceOnFewInputs(@ForAll("fewInputs") Ref expr, @ForAll long spellingSeed) {
        countCompiled(check(expr, FEW, spellingSeed));
    }

    @Property(tries = 100)
    void compiledConditionAgreesWithReferenceBeyondTheTruthTable(@ForAll("manyInputs") Ref expr,
                                                                @ForAll long spellingSeed) {
        countCompiled(check(expr, MANY, spellingSeed));
    }

    /**
     * A rejected condition is only checked for being unable to fire, so a generator that produced mostly such
     * conditions would leave the comparison with the reference untested: at least 70 % of the tries must compile.
     */
    private static void countCompiled(boolean compiled) {
        Statistics.label("condition").collect(compiled ? "compiled" : "rejected as unable to fire");
        Statistics.label("condition").coverage(coverage -> coverage.check("compiled").percentage(p -> p >= 70.0));
    }

    @Property(tries = 200)
    void renderedConditionsReparseToTheSameStatelessness(@ForAll("fewInputs") Ref expr, @ForAll long spellingSeed) {
        String text = render(expr, new Random(spellingSeed), 0);
        Condition c;
        try {
            c = Condition.compile(text, FEW, "s");
        } catch (ConfigurationException e) {
            countCompiled(false);
            return;
        }
        countCompiled(true);
        assertThat(c.stateless()).isEqualTo(orOnly(expr));
    }

    /** Compiles and compares with the reference; returns whether the condition compiled. */
    private static boolean check(Ref expr, List<String> known, long spellingSeed) {
        String text = render(expr, new Random(spellingSeed), 0);
        Set<String> named = new HashSet<>();
        names(expr, named);
        List<String> order = known.stream().filter(named::contains).toList();
        Set<String> positive = new HashSet<>();
        positives(expr, false, positive);
        Condition c;
        try {
            c = Condition.compile(text, known, "s");
        } catch (ConfigurationException e) {
            // Only conditions that can never fire are rejected.
            assertThat(canFire(expr, order, positive)).as("rejected '%s': %s", text, e.getMessage()).isFalse();
            return false;
        }
        assertThat(c.inputs()).isEqualTo(order);
        long expectedPositive = 0;
        for (int i = 0; i < order.size(); i++) {
            if (positive.contains(order.get(i))) {
                expectedPositive |= 1L << i;
            }
        }
        assertThat(c.positive()).isEqualTo(expectedPositive);
        int masks = order.size() <= 12 ? 1 << order.size() : 4096;
        Random sample = new Random(spellingSeed);
        for (int m = 0; m < masks; m++) {
            long mask = order.size() <= 12 ? m : sample.nextLong() & ((1L << order.size()) - 1);
            assertThat(c.test(mask)).as("'%s' with mask %s", text, Long.toBinaryString(mask))
                    .isEqualTo(eval(expr, held(order, mask)));
        }
        return true;
    }

    private static boolean canFire(Ref expr, List<String> order, Set<String> positive) {
        if (positive.isEmpty()) {
            return false;
        }
        if (order.size() > 20) {
            return true;
        }
        for (long mask = 1; mask < (1L << order.size()); mask++) {
            Set<String> held = held(order, mask);
            if (held.stream().anyMatch(positive::contains) && eval(expr, held)) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> held(List<String> order, long mask) {
        Set<String> held = new HashSet<>();
        for (int i = 0; i < order.size(); i++) {
            if ((mask & (1L << i)) != 0) {
                held.add(order.get(i));
            }
        }
        return held;
    }

    private static boolean eval(Ref r, Set<String> held) {
        if (r instanceof Var v) {
            return held.contains(v.name());
        } else if (r instanceof Neg n) {
            return !eval(n.operand(), held);
        } else if (r instanceof Both b) {
            return eval(b.left(), held) && eval(b.right(), held);
        }
        Either e = (Either) r;
        return eval(e.left(), held) || eval(e.right(), held);
    }

    private static void names(Ref r, Set<String> out) {
        if (r instanceof Var v) {
            out.add(v.name());
        } else if (r instanceof Neg n) {
            names(n.operand(), out);
        } else if (r instanceof Both b) {
            names(b.left(), out);
            names(b.right(), out);
        } else {
            Either e = (Either) r;
            names(e.left(), out);
            names(e.right(), out);
        }
    }

    private static void positives(Ref r, boolean negated, Set<String> out) {
        if (r instanceof Var v) {
            if (!negated) {
                out.add(v.name());
            }
        } else if (r instanceof Neg n) {
            positives(n.operand(), !negated, out);
        } else if (r instanceof Both b) {
            positives(b.left(), negated, out);
            positives(b.right(), negated, out);
        } else {
            Either e = (Either) r;
            positives(e.left(), negated, out);
            positives(e.right(), negated, out);
        }
    }

    private static boolean orOnly(Ref r) {
        return r instanceof Var || (r instanceof Either e && orOnly(e.left()) && orOnly(e.right()));
    }

    /** Renders fully parenthesised where precedence needs it, with random spellings and optional extra parentheses. */
    private static String render(Ref r, Random random, int depth) {
        String text;
        if (r instanceof Var v) {
            text = v.name();
        } else if (r instanceof Neg n) {
            String not = pick(random, "!", "! ", "NOT ", "not ", "Not ");
            text = not + wrap(render(n.operand(), random, depth + 1), !(n.operand() instanceof Var || n.operand() instanceof Neg));
        } else if (r instanceof Both b) {
            String and = pick(random, " && ", "&&", " AND ", " and ", "\t&&\n");
            text = wrap(render(b.left(), random, depth + 1), b.left() instanceof Either)
                    + and + wrap(render(b.right(), random, depth + 1), b.right() instanceof Either || b.right() instanceof Both);
        } else {
            Either e = (Either) r;
            String or = pick(random, " || ", "||", " OR ", " or ");
            text = render(e.left(), random, depth + 1) + or
                    + wrap(render(e.right(), random, depth + 1), e.right() instanceof Either);
        }
        return random.nextInt(8) == 0 ? "(" + text + ")" : text;
    }

    private static String wrap(String text, boolean needed) {
        return needed ? "( " + text + " )" : text;
    }

    private static String pick(Random random, String... options) {
        return options[random.nextInt(options.length)];
    }

    @Provide
    Arbitrary<Ref> fewInputs() {
        return expressions(FEW, 4);
    }

    @Provide
    Arbitrary<Ref> manyInputs() {
        return expressions(MANY, 6);
    }

    private static Arbitrary<Ref> expressions(List<String> names, int depth) {
        Arbitrary<Ref> leaf = Arbitraries.of(names).map(Var::new);
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<Ref> sub = Arbitraries.lazy(() -> expressions(names, depth - 1));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, leaf),
                net.jqwik.api.Tuple.of(1, sub.map(Neg::new)),
                net.jqwik.api.Tuple.of(3, Combinators.combine(sub, sub).as(Both::new)),
                net.jqwik.api.Tuple.of(3, Combinators.combine(sub, sub).as(Either::new)));
    }

    private static List<String> manyNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            names.add("in" + i);
        }
        return names;
    }
}
