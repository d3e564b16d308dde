package io.switchboard.core.internal.cron;

import io.switchboard.api.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Expressions at the edges of the cron dialects: what is refused (and how), and what the special characters mean. */
class CronBadInputTest {

    private static final ZoneId UTC = ZoneOffset.UTC;

    private static List<Instant> ticks(String expression, String after, int n) {
        CronSchedule s = CronSchedule.parse(expression);
        List<Instant> out = new ArrayList<>();
        Instant t = Instant.parse(after);
        for (int i = 0; i < n; i++) {
            t = s.next(t, UTC).orElseThrow();
            out.add(t);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"*/0 * * * *", "0 */0 * * *", "0 0/0 * * * ?", "*/0 * * * * *"})
    void aZeroStepIsRefused(String expression) {
        assertThatThrownBy(() -> CronSchedule.parse(expression))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(expression)
                .hasMessageContaining("step");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5-1 * * * *", "0 22-2 * * *", "0 0 0 20-10 * ?"})
    void aDescendingRangeIsRefused(String expression) {
        assertThatThrownBy(() -> CronSchedule.parse(expression))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(expression)
                .hasMessageContaining("range");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 0 30 2 *", "0 0 31 4 *", "0 0 0 31 11 ?", "0 0 0 30 FEB ?"})
    void aDayThatNeverExistsIsRefusedAsNeverFiring(String expression) {
        assertThatThrownBy(() -> CronSchedule.parse(expression))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(expression)
                .hasMessageContaining("never fires");
    }

    @Test
    void february29FiresInLeapYearsOnly() {
        assertThat(ticks("0 0 29 2 *", "2026-01-01T00:00:00Z", 2))
                .containsExactly(Instant.parse("2028-02-29T00:00:00Z"), Instant.parse("2032-02-29T00:00:00Z"));
    }

    @Test
    void quartzLastDayOfMonth() {
        assertThat(ticks("0 0 12 L * ?", "2026-01-15T00:00:00Z", 3)).containsExactly(
                Instant.parse("2026-01-31T12:00:00Z"), Instant.parse("2026-02-28T12:00:00Z"), Instant.parse("2026-03-31T12:00:00Z"));
    }

    @Test
    void quartzNearestWeekday() {
        // 2026-02-15 is a Sunday: the nearest weekday is Monday the 16th; 2026-03-15 is a Sunday too; 2026-04-15 a Wednesday
        assertThat(ticks("0 0 9 15W * ?", "2026-02-01T00:00:00Z", 3)).containsExactly(
                Instant.parse("2026-02-16T09:00:00Z"), Instant.parse("2026-03-16T09:00:00Z"), Instant.parse("2026-04-15T09:00:00Z"));
    }

    @Test
    void quartzNthAndLastWeekdayOfMonth() {
        // Quartz counts 1 = Sunday, so 6 = Friday; third Friday of 2026-05 is the 15th, last Friday the 29th
        assertThat(ticks("0 0 18 ? * 6#3", "2026-05-01T00:00:00Z", 2))
                .containsExactly(Instant.parse("2026-05-15T18:00:00Z"), Instant.parse("2026-06-19T18:00:00Z"));
        assertThat(ticks("0 0 18 ? * 6L", "2026-05-01T00:00:00Z", 1))
                .containsExactly(Instant.parse("2026-05-29T18:00:00Z"));
        assertThat(ticks("0 0 18 ? * FRI#3", "2026-05-01T00:00:00Z", 1))
                .containsExactly(Instant.parse("2026-05-15T18:00:00Z"));
    }

    @Test
    void dayNamesMeanTheSameDayInEveryDialectAndIgnoreCase() {
        // 2026-05-04 is a Monday
        List<Instant> weekdays = List.of(Instant.parse("2026-05-04T09:00:00Z"), Instant.parse("2026-05-05T09:00:00Z"),
                Instant.parse("2026-05-06T09:00:00Z"), Instant.parse("2026-05-07T09:00:00Z"),
                Instant.parse("2026-05-08T09:00:00Z"), Instant.parse("2026-05-11T09:00:00Z"));
        assertThat(ticks("0 9 * * MON-FRI", "2026-05-03T12:00:00Z", 6)).isEqualTo(weekdays);
        assertThat(ticks("0 0 9 ? * MON-FRI", "2026-05-03T12:00:00Z", 6)).isEqualTo(weekdays);
        assertThat(ticks("0 0 9 * * MON-FRI", "2026-05-03T12:00:00Z", 6)).isEqualTo(weekdays);
        assertThat(ticks("0 9 * * mon-fri", "2026-05-03T12:00:00Z", 6)).isEqualTo(weekdays);
        assertThat(ticks("0 9 * * SUN", "2026-05-04T00:00:00Z", 1)).containsExactly(Instant.parse("2026-05-10T09:00:00Z"));
        assertThat(ticks("0 9 1 JAN *", "2026-05-04T00:00:00Z", 1)).containsExactly(Instant.parse("2027-01-01T09:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 9 * * MONDAY", "0 9 * * XYZ", "0 9 * FOO *", "0 9 32 * *", "0 24 * * *", "60 * * * *",
            "0 9 * * 8", "0 0 9 ? * 6#6", "0 0 9 ? * 9#1"})
    void unknownNamesAndOutOfRangeValuesAreRefused(String expression) {
        assertThatThrownBy(() -> CronSchedule.parse(expression))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("invalid schedule");
    }
}
