package io.switchboard.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamesTest {

    @Test
    void aLetterOrUnderscoreFollowedByUpTo199LettersDigitsUnderscoresDotsOrDashesIsAName() {
        for (String name : List.of("a", "_", "Z", "orders", "_private", "orders.eu-west_1", "a" + "9".repeat(199))) {
            assertThat(Names.check("trigger", name)).isEqualTo(name);
        }
    }

    @Test
    void anythingElseIsRefusedSayingWhatANameIs() {
        for (String name : List.of("", " ", "1st", "-a", ".a", "a b", "a/b", "a:b", "ä", "a" + "9".repeat(200), "a\n")) {
            assertThatThrownBy(() -> Names.check("trigger", name)).as("'%s'", name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("trigger name '" + name + "' is invalid")
                    .hasMessageContaining("letter or '_'");
        }
    }

    @Test
    void nullIsRefusedNamingWhatWasMissing() {
        assertThatThrownBy(() -> Names.check("subscriber", null))
                .isInstanceOf(NullPointerException.class).hasMessage("subscriber name must not be null");
    }
}
