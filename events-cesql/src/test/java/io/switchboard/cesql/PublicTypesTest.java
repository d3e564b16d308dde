package io.switchboard.cesql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The value types of the public API validate what they hold. */
class PublicTypesTest {

    @Test
    void aResultHoldsOnlyCesqlValuesAndAnImmutableCopyOfTheErrors() {
        List<CesqlError> errors = new ArrayList<>(List.of(new CesqlError(CesqlErrorKind.MATH, "division by zero")));
        CesqlResult r = new CesqlResult(0, errors);
        errors.clear();
        assertThat(r.errors()).hasSize(1);
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.passes()).isFalse();
        assertThat(new CesqlResult(true, List.of()).passes()).isTrue();
        assertThat(new CesqlResult("true", List.of()).passes()).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> new CesqlResult(1L, List.of()));
        assertThatNullPointerException().isThrownBy(() -> new CesqlResult(null, List.of()));
        assertThatNullPointerException().isThrownBy(() -> new CesqlResult(true, null));
    }

    @Test
    void errorsAndExceptionsNeedAKindAndAMessage() {
        assertThatIllegalArgumentException().isThrownBy(() -> new CesqlError(CesqlErrorKind.CAST, ""));
        assertThatNullPointerException().isThrownBy(() -> new CesqlError(null, "x"));
        assertThatIllegalArgumentException().isThrownBy(() -> new CesqlException(CesqlErrorKind.PARSE, 0, ""));
        CesqlException e = new CesqlException(CesqlErrorKind.MISSING_FUNCTION, 3, "unknown function F");
        assertThat(e.error()).isEqualTo(new CesqlError(CesqlErrorKind.MISSING_FUNCTION, "unknown function F"));
        assertThat(e).isInstanceOf(RuntimeException.class);
    }

    @Test
    void typesKnowTheirZeroValues() {
        assertThat(CesqlType.BOOLEAN.zeroValue()).isEqualTo(false);
        assertThat(CesqlType.INTEGER.zeroValue()).isEqualTo(0);
        assertThat(CesqlType.STRING.zeroValue()).isEqualTo("");
        assertThat(CesqlType.INTEGER.isInstance(1)).isTrue();
        assertThat(CesqlType.INTEGER.isInstance("1")).isFalse();
    }
}
