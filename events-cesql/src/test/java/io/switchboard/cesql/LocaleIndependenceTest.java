package io.switchboard.cesql;

import static io.switchboard.cesql.Eval.assertValue;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Under tr-TR, {@code "I".toLowerCase()} is dotless {@code ı} and {@code "i".toUpperCase()} is dotted {@code İ}:
 * keywords, function names, identifiers, LOWER/UPPER and casts must not notice.
 */
@ResourceLock("java.util.Locale")
class LocaleIndependenceTest {

    private Locale saved;

    @BeforeEach
    void turkish() {
        saved = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        assertThat("I".toLowerCase()).isEqualTo("\u0131"); // the trap is armed
    }

    @AfterEach
    void restore() {
        Locale.setDefault(saved);
    }

    @Test
    void keywordsAndFunctionNamesWithIAreRecognised() {
        assertValue("'a' IN ('a')", true);
        assertValue("'a' in ('a')", true);
        assertValue("'ab' LIKE 'a%'", true);
        assertValue("'ab' like 'a%'", true);
        assertValue("EXISTS id", true);
        assertValue("exists ID", true);
        assertValue("NOT false", true);
        assertValue("int('5') = 5", true);
        assertValue("INT('5') = 5", true);
        assertValue("IS_INT('5')", true);
        assertValue("is_int('5')", true);
        assertValue("right('abc', 1)", "c");
        assertValue("TRIM(' x ')", "x");
        assertValue("trim(' x ')", "x");
        assertValue("substring('abc', 2)", "bc");
        assertValue("STRING(1)", "1");
    }

    @Test
    void identifiersFoldWithoutTheLocale() {
        CloudEvent e = TckEvents.with("title", "t", "id", "i-1");
        assertValue("TITLE", e, "t");
        assertValue("ID = 'i-1'", e, true);
        assertValue("EXISTS TITLE", e, true);
    }

    @Test
    void caseMappingAndCastsIgnoreTheLocale() {
        assertValue("LOWER('TITLE')", "title");
        assertValue("UPPER('title')", "TITLE");
        assertValue("BOOL('TRUE')", true);
        assertValue("BOOL('FALSE')", false);
        assertValue("'TRUE' = true", true);
        assertValue("true = 'true'", true);
    }
}
