package io.switchboard.core.internal.trigger;

import io.switchboard.api.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConditionTest {

    private static final List<String> INPUTS = List.of("a", "b", "c", "order.created", "pay-1");
    private static final String OWNER = "subscriber 's' of trigger 't'";

    private static Condition compile(String text) {
        return Condition.compile(text, INPUTS, OWNER);
    }

    private static long mask(Condition c, String... held) {
        long mask = 0;
        for (String h : held) {
            mask |= 1L << c.inputs().indexOf(h);
        }
        return mask;
    }

    @Test
    void andBindsTighterThanOr() {
        Condition c = compile("a || b && c");
        assertThat(c.test(mask(c, "a"))).isTrue();
        assertThat(c.test(mask(c, "b"))).isFalse();
        assertThat(c.test(mask(c, "b", "c"))).isTrue();
    }

    @Test
    void parenthesesAndNegationNest() {
        Condition c = compile("(a || b) && !c");
        assertThat(c.test(mask(c, "a"))).isTrue();
        assertThat(c.test(mask(c, "b", "c"))).isFalse();
        assertThat(c.test(mask(c, "c"))).isFalse();
    }

    @Test
    void keywordsAreCaseInsensitive() {
        Condition c = compile("a and (b OR c) And Not order.created");
        assertThat(c.test(mask(c, "a", "c"))).isTrue();
        assertThat(c.test(mask(c, "a", "c", "order.created"))).isFalse();
        assertThat(c.inputs()).containsExactly("a", "b", "c", "order.created");
    }

    @Test
    void namesMayContainDotsAndDashes() {
        Condition c = compile("order.created&&pay-1");
        assertThat(c.test(mask(c, "order.created", "pay-1"))).isTrue();
        assertThat(c.test(mask(c, "pay-1"))).isFalse();
    }

    @Test
    void orOfNamesIsStateless() {
        assertThat(compile("a").stateless()).isTrue();
        assertThat(compile("a || (b OR c)").stateless()).isTrue();
        assertThat(compile("a && b").stateless()).isFalse();
        assertThat(compile("a || !b").stateless()).isFalse();
    }

    @Test
    void onlyInputsNamedOutsideANegationArePositive() {
        Condition c = compile("a && !b && !(!c)");
        assertThat(c.positive()).isEqualTo(mask(c, "a", "c"));
        Condition d = compile("(a && !b) || (b && c)");
        assertThat(d.positive()).isEqualTo(mask(d, "a", "b", "c"));
    }

    @Test
    void allOfJoinsEveryInputWithAnd() {
        Condition c = Condition.allOf(List.of("x", "y"), OWNER);
        assertThat(c.text()).isEqualTo("x && y");
        assertThat(c.test(mask(c, "x"))).isFalse();
        assertThat(c.test(mask(c, "x", "y"))).isTrue();
    }

    @Test
    void syntaxErrorsPointAtTheColumn() {
        assertThatThrownBy(() -> compile("a && (b || c"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("subscriber 's' of trigger 't'")
                .hasMessageContaining("malformed at column 13")
                .hasMessageContaining("expected ')' to close the '(' at column 6")
                .hasMessageEndingWith("a && (b || c\n                ^");
        assertThatThrownBy(() -> compile("a & b")).hasMessageContaining("column 3").hasMessageContaining("'&&'");
        assertThatThrownBy(() -> compile("a b")).hasMessageContaining("column 3")
                .hasMessageContaining("join it to what precedes with && or ||");
        assertThatThrownBy(() -> compile("a && ")).hasMessageContaining("column 6")
                .hasMessageContaining("expected an input name, '!' or '(' but found the end of the condition");
        assertThatThrownBy(() -> compile("a)")).hasMessageContaining("no matching '('");
        assertThatThrownBy(() -> compile("a = b")).hasMessageContaining("unexpected character '='");
        assertThatThrownBy(() -> compile("a && OR")).hasMessageContaining("but found 'OR'");
    }

    @Test
    void unknownInputsAreListedWithTheKnownOnes() {
        assertThatThrownBy(() -> compile("a && payments"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown input 'payments' at column 6")
                .hasMessageContaining("known inputs: [a, b, c, order.created, pay-1]");
    }

    @Test
    void conditionsThatCanNeverFireAreRejected() {
        assertThatThrownBy(() -> compile("!a")).hasMessageContaining("can never fire");
        assertThatThrownBy(() -> compile("!a && !b")).hasMessageContaining("can never fire");
        assertThatThrownBy(() -> compile("a && !a")).hasMessageContaining("can never be true");
    }

    @Test
    void largeConditionsUseTheClosureTreeWithTheSameMeaning() {
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add("i" + i);
        }
        Condition c = Condition.compile("i0 && (i1 || i19) && !i7 && " + String.join(" || ", many.subList(8, 18)),
                many, OWNER);
        assertThat(c.inputs()).hasSizeGreaterThan(Condition.TABLE_LIMIT);
        // parsed as (i0 && (i1 || i19) && !i7 && i8) || i9 || ... || i17
        long base = 1L | (1L << c.inputs().indexOf("i19"));
        long i7 = 1L << c.inputs().indexOf("i7");
        long i8 = 1L << c.inputs().indexOf("i8");
        assertThat(c.test(base)).isFalse();
        assertThat(c.test(base | i8)).isTrue();
        assertThat(c.test(base | i8 | i7)).isFalse();
        assertThat(c.test(base | i8 | i7 | (1L << c.inputs().indexOf("i12")))).isTrue();
        assertThat(c.test(1L << c.inputs().indexOf("i17"))).isTrue();
    }

    @Test
    void moreThanSixtyFourInputsAreRejected() {
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add("i" + i);
        }
        assertThatThrownBy(() -> Condition.allOf(many, OWNER)).hasMessageContaining("at most 64");
    }
}
