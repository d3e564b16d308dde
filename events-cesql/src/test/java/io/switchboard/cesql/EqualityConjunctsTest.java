package io.switchboard.cesql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The index contract with the runtime: top-level equality conjuncts, sound with respect to evaluation. */
class EqualityConjunctsTest {

    private static Map<String, String> conjuncts(String expression) {
        return Cesql.parse(expression).equalityConjuncts();
    }

    @Test
    void aSingleEqualityIsAConjunct() {
        assertThat(conjuncts("type = 'com.example.created'")).containsExactly(Map.entry("type", "com.example.created"));
        assertThat(conjuncts("TYPE = \"x\"")).containsExactly(Map.entry("type", "x"));
        assertThat(conjuncts("'x' = type")).containsExactly(Map.entry("type", "x"));
        assertThat(conjuncts("myext = 'v'")).containsExactly(Map.entry("myext", "v"));
    }

    @Test
    void everyEqualityOfATopLevelAndChainIsAConjunct() {
        assertThat(conjuncts("type = 'a' AND source = '/s' AND subject LIKE 'x%'"))
                .containsOnly(Map.entry("type", "a"), Map.entry("source", "/s"));
        assertThat(conjuncts("(type = 'a' AND source = '/s') AND (id = 'i' AND x > 1)"))
                .containsOnly(Map.entry("type", "a"), Map.entry("source", "/s"), Map.entry("id", "i"));
        assertThat(conjuncts("type = 'a' AND (1 = 1)")).containsOnly(Map.entry("type", "a"));
        assertThat(conjuncts("type = 'a' AND type = 'b'")).containsOnly(Map.entry("type", "a"));
    }

    @Test
    void nothingElseIsAConjunct() {
        assertThat(conjuncts("type = 'a' OR source = '/s'")).isEmpty();
        assertThat(conjuncts("type = 'a' AND source = '/s' OR id = 'x'")).isEmpty();
        assertThat(conjuncts("type = 'a' XOR true")).isEmpty();
        assertThat(conjuncts("type != 'a'")).isEmpty();
        assertThat(conjuncts("NOT type = 'a'")).isEmpty();
        assertThat(conjuncts("type = source")).isEmpty();
        assertThat(conjuncts("myint = 5")).isEmpty();
        assertThat(conjuncts("'05' = myint")).isEmpty(); // '05' = 5 is true: not a string equality
        assertThat(conjuncts("LOWER(type) = 'a'")).isEmpty();
        assertThat(conjuncts("true")).isEmpty();
    }

    @Test
    void anEventCanOnlyPassIfItsAttributesEqualTheConjuncts() {
        String expression = "type = 'a' AND myext = '5' AND subject LIKE 's%'";
        CesqlExpression e = Cesql.parse(expression);
        assertThat(e.equalityConjuncts()).containsOnly(Map.entry("type", "a"), Map.entry("myext", "5"));
        assertThat(e.test(TckEvents.with("type", "a", "myext", "5", "subject", "s1"))).isTrue();
        assertThat(e.test(TckEvents.with("type", "a", "myext", 5, "subject", "s1"))).isTrue(); // Integer 5 -> "5"
        assertThat(e.test(TckEvents.with("type", "b", "myext", "5", "subject", "s1"))).isFalse();
        assertThat(e.test(TckEvents.with("type", "a", "subject", "s1"))).isFalse(); // missing: error, false
    }

    @Test
    void theMapIsUnmodifiable() {
        Map<String, String> m = conjuncts("type = 'a'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
