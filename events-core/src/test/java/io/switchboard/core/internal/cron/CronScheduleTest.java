package io.switchboard.core.internal.cron;

import io.switchboard.api.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CronScheduleTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static List<Instant> ticks(CronSchedule s, String after, int n, ZoneId zone) {
        List<Instant> out = new ArrayList<>();
        Instant t = Instant.parse(after);
        for (int i = 0; i < n; i++) {
            t = s.next(t, zone).orElseThrow();
            out.add(t);
        }
        return out;
    }

    @Test
    void unixFiveFieldsFireOnTheMinute() {
        CronSchedule s = CronSchedule.parse("0 2 * * *");
        assertThat(s.format()).isEqualTo(CronSchedule.Format.UNIX);
        assertThat(ticks(s, "2026-01-01T00:00:00Z", 2, UTC))
                .containsExactly(Instant.parse("2026-01-01T02:00:00Z"), Instant.parse("2026-01-02T02:00:00Z"));
    }

    @Test
    void nextIsStrictlyAfterEvenOnATickAndWithNanos() {
        CronSchedule s = CronSchedule.parse("*/20 * * * *");
        assertThat(s.next(Instant.parse("2026-01-01T00:20:00Z"), UTC)).contains(Instant.parse("2026-01-01T00:40:00Z"));
        assertThat(s.next(Instant.parse("2026-01-01T00:19:59.999Z"), UTC)).contains(Instant.parse("2026-01-01T00:20:00Z"));
        assertThat(s.previous(Instant.parse("2026-01-01T00:20:00Z"), UTC)).contains(Instant.parse("2026-01-01T00:20:00Z"));
        assertThat(s.previous(Instant.parse("2026-01-01T00:39:59.5Z"), UTC)).contains(Instant.parse("2026-01-01T00:20:00Z"));
    }

    @Test
    void quartzIsRecognisedByQuestionMarkAndCountsSundayAsOne() {
        CronSchedule s = CronSchedule.parse("30 0 12 ? * 1");
        assertThat(s.format()).isEqualTo(CronSchedule.Format.QUARTZ);
        // 2026-01-04 is a Sunday
        assertThat(s.next(Instant.parse("2026-01-01T00:00:00Z"), UTC)).contains(Instant.parse("2026-01-04T12:00:30Z"));
    }

    @Test
    void quartzWithYearStopsFiring() {
        CronSchedule s = CronSchedule.parse("0 0 12 1 1 ? 2027");
        assertThat(s.next(Instant.parse("2026-06-01T00:00:00Z"), UTC)).contains(Instant.parse("2027-01-01T12:00:00Z"));
        assertThat(s.next(Instant.parse("2027-01-01T12:00:00Z"), UTC)).isEmpty();
    }

    @Test
    void springSixFieldsWithoutQuestionMarkCountsMondayAsOne() {
        CronSchedule s = CronSchedule.parse("15 0 12 * * 1");
        assertThat(s.format()).isEqualTo(CronSchedule.Format.SPRING);
        // 2026-01-05 is a Monday
        assertThat(s.next(Instant.parse("2026-01-01T00:00:00Z"), UTC)).contains(Instant.parse("2026-01-05T12:00:15Z"));
    }

    @ParameterizedTest
    @CsvSource({
            "@yearly,   2027-01-01T00:00:00Z",
            "@annually, 2027-01-01T00:00:00Z",
            "@monthly,  2026-02-01T00:00:00Z",
            "@weekly,   2026-01-04T00:00:00Z",
            "@daily,    2026-01-02T00:00:00Z",
            "@midnight, 2026-01-02T00:00:00Z",
            "@hourly,   2026-01-01T01:00:00Z",
            "@DAILY,    2026-01-02T00:00:00Z"})
    void macros(String macro, String expected) {
        CronSchedule s = CronSchedule.parse(macro);
        assertThat(s.format()).isEqualTo(CronSchedule.Format.MACRO);
        assertThat(s.next(Instant.parse("2026-01-01T00:00:00Z"), UTC)).contains(Instant.parse(expected));
    }

    @ParameterizedTest
    @CsvSource({"@every 90s, PT1M30S", "@every 1h30m, PT1H30M", "@every 250ms, PT0.25S", "@every 2d, PT48H",
            "@every PT10M, PT10M", "@every   5m, PT5M"})
    void everyDurations(String expression, String period) {
        CronSchedule s = CronSchedule.parse(expression);
        assertThat(s.format()).isEqualTo(CronSchedule.Format.EVERY);
        assertThat(s.period()).contains(Duration.parse(period));
    }

    @Test
    void everyIsAnchoredAtTheEpochSoInstancesAgree() {
        CronSchedule s = CronSchedule.parse("@every 90s");
        // 2026-01-01T00:00:00Z is 1767225600 s after the epoch, a multiple of 90 s
        assertThat(ticks(s, "2026-01-01T00:00:10Z", 2, BERLIN))
                .containsExactly(Instant.parse("2026-01-01T00:01:30Z"), Instant.parse("2026-01-01T00:03:00Z"));
        assertThat(s.previous(Instant.parse("2026-01-01T00:01:29Z"), UTC)).contains(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(s.previous(Instant.parse("2026-01-01T00:01:30Z"), UTC)).contains(Instant.parse("2026-01-01T00:01:30Z"));
    }

    @Test
    void dailyScheduleInSkippedSpringForwardHourFiresOnceRightAfterTheChange() {
        CronSchedule s = CronSchedule.parse("30 2 * * *");
        // Europe/Berlin: 2026-03-29 02:00 CET -> 03:00 CEST; 02:30 does not exist that day
        assertThat(ticks(s, "2026-03-27T12:00:00Z", 4, BERLIN)).containsExactly(
                Instant.parse("2026-03-28T01:30:00Z"),  // 02:30 CET
                Instant.parse("2026-03-29T01:30:00Z"),  // 02:30 read in CET = 03:30 CEST
                Instant.parse("2026-03-30T00:30:00Z"),  // 02:30 CEST
                Instant.parse("2026-03-31T00:30:00Z"));
    }

    @Test
    void dailyScheduleInRepeatedFallBackHourFiresOnce() {
        CronSchedule s = CronSchedule.parse("0 30 2 * * *"); // Spring dialect, same time
        // Europe/Berlin: 2026-10-25 03:00 CEST -> 02:00 CET; 02:30 happens twice
        assertThat(ticks(s, "2026-10-23T12:00:00Z", 3, BERLIN)).containsExactly(
                Instant.parse("2026-10-24T00:30:00Z"),
                Instant.parse("2026-10-25T00:30:00Z"),  // first 02:30 (CEST) only
                Instant.parse("2026-10-26T01:30:00Z"));
        // asked from inside the repeated hour, the answer is the same as stepping through it
        assertThat(s.next(Instant.parse("2026-10-25T01:10:00Z"), BERLIN)).contains(Instant.parse("2026-10-26T01:30:00Z"));
    }

    @Test
    void steppedScheduleRunsThroughBothOccurrencesOfTheRepeatedHour() {
        CronSchedule s = CronSchedule.parse("*/30 * * * *");
        assertThat(ticks(s, "2026-10-24T23:45:00Z", 5, BERLIN)).containsExactly(
                Instant.parse("2026-10-25T00:00:00Z"), Instant.parse("2026-10-25T00:30:00Z"),
                Instant.parse("2026-10-25T01:00:00Z"), Instant.parse("2026-10-25T01:30:00Z"),
                Instant.parse("2026-10-25T02:00:00Z"));
        assertThat(ticks(s, "2026-03-29T00:15:00Z", 3, BERLIN)).containsExactly(
                Instant.parse("2026-03-29T00:30:00Z"), Instant.parse("2026-03-29T01:00:00Z"),
                Instant.parse("2026-03-29T01:30:00Z"));
    }

    @Test
    void zoneMovesLocalTimes() {
        CronSchedule s = CronSchedule.parse("0 9 * * *");
        assertThat(s.next(Instant.parse("2026-07-01T00:00:00Z"), ZoneId.of("America/New_York")))
                .contains(Instant.parse("2026-07-01T13:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "* * * *", "61 * * * *", "@reboot", "@every", "@every 10x", "@every 0s",
            "0 0 12 * * 1 2027", "1 2 3 4 5 6 7 8", "@every -5m"})
    void badExpressionsNameTheSupportedFormats(String expression) {
        assertThatThrownBy(() -> CronSchedule.parse(expression))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("invalid schedule")
                .hasMessageContaining("Supported: Unix cron with 5 fields");
    }
}
