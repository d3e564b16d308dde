package io.switchboard.core;

import io.switchboard.core.internal.dispatch.InputFilter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FiltersTest {

    @Test
    void a_filter_that_is_only_a_type_equality_has_no_residual_to_evaluate() {
        for (String expression : new String[]{"type = 'a.b'", "TYPE='a.b'", " 'a.b' = type ", "Type  =  'a.b'"}) {
            InputFilter f = Filters.compile(expression);
            assertThat(f.typeKey()).as(expression).isEqualTo("a.b");
            assertThat(f.predicate()).as(expression).isNull();
        }
    }

    @Test
    void anything_more_than_the_type_equality_keeps_its_residual() {
        for (String expression : new String[]{"type = 'a' AND subject = 'x'", "(type = 'a')", "type = 'a' OR type = 'b'",
                "source = '/s'", "type = 'a' AND type = 'b'", "type LIKE 'a%'"}) {
            InputFilter f = Filters.compile(expression);
            assertThat(f.predicate()).as(expression).isNotNull();
        }
        InputFilter sourceOnly = Filters.compile("source = '/s'");
        assertThat(sourceOnly.sourceKey()).isEqualTo("/s");
        assertThat(Filters.compile(null)).isSameAs(InputFilter.ALL);
    }
}
