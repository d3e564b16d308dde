package io.switchboard.core.source.cron;

import io.cloudevents.CloudEvent;
import io.switchboard.api.ConfigurationException;
import io.switchboard.core.source.support.RecordingSourceContext;
import io.switchboard.core.time.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CronSourceTest {

    private final List<CronSource> started = new ArrayList<>();

    @AfterEach
    void closeSources() {
        started.forEach(CronSource::close);
    }

    private RecordingSourceContext start(CronSource source, ManualScheduler scheduler) {
        RecordingSourceContext ctx = new RecordingSourceContext(source.name(), scheduler);
        source.start(ctx);
        started.add(source);
        return ctx;
    }

    private static List<Instant> times(RecordingSourceContext ctx) {
        return ctx.emitted().stream().map(e -> e.getTime().toInstant()).toList();
    }

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }

    @Test
    void eachTickIsACloudEventWithScheduledTimeTypeSourceDataAndDeterministicId() {
        ManualScheduler clock = new ManualScheduler(at("2026-01-01T00:00:00Z"));
        CronSource nightly = CronSource.builder("nightly").cron("0 2 * * *")
                .data("application/json", "{\"job\":\"report\"}").build();
        RecordingSourceContext ctx = start(nightly, clock);

        clock.advance(Duration.ofDays(2));

        assertThat(times(ctx)).containsExactly(at("2026-01-01T02:00:00Z"), at("2026-01-02T02:00:00Z"));
        CloudEvent first = ctx.emitted().get(0);
        assertThat(first.getId()).isEqualTo("nightly@2026-01-01T02:00:00Z");
        assertThat(first.getType()).isEqualTo(CronSource.EVENT_TYPE).isEqualTo("io.switchboard.cron.tick");
        assertThat(first.getSource()).isEqualTo(URI.create("urn:switchboard:cron:nightly"));
        assertThat(first.getDataContentType()).isEqualTo("application/json");
        assertThat(new String(first.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"job\":\"report\"}");
        assertThat(nightly.ticksFired()).isEqualTo(2);
        assertThat(nightly.lastTick()).contains(at("2026-01-02T02:00:00Z"));
        assertThat(nightly.nextTick()).contains(at("2026-01-03T02:00:00Z"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "'0 */6 * * *',         2026-01-01T06:00:00Z, 2026-01-01T12:00:00Z",   // Unix
            "'0 0 */6 ? * *',       2026-01-01T06:00:00Z, 2026-01-01T12:00:00Z",   // Quartz
            "'0 0 9 ? * 2',         2026-01-05T09:00:00Z, 2026-01-12T09:00:00Z",   // Quartz, 2 = Monday
            "'0 0 9 * * 1',         2026-01-05T09:00:00Z, 2026-01-12T09:00:00Z",   // Spring, 1 = Monday
            "'0 0 12 1 1 ? 2026-2027', 2026-01-01T12:00:00Z, 2027-01-01T12:00:00Z", // Quartz with year
            "'@hourly',             2026-01-01T01:00:00Z, 2026-01-01T02:00:00Z",
            "'@weekly',             2026-01-04T00:00:00Z, 2026-01-11T00:00:00Z",
            "'@every 90s',          2026-01-01T00:01:30Z, 2026-01-01T00:03:00Z",
            "'@every 1h30m',        2026-01-01T01:30:00Z, 2026-01-01T03:00:00Z"})
    void everyExpressionFamilyTicksAtItsInstants(String expression, String firstTick, String secondTick) {
        ManualScheduler clock = new ManualScheduler(at("2026-01-01T00:00:00Z"));
        RecordingSourceContext ctx = start(CronSource.builder("s").cron(expression).build(), clock);

        clock.advanceTo(at(secondTick));

        assertThat(times(ctx)).containsExactly(at(firstTick), at(secondTick));
    }

    @Test
    void dailyAtHalfPastTwoInBerlinAcrossSpringForwardAndFallBack() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        ManualScheduler clock = new ManualScheduler(at("2026-03-27T12:00:00Z"));
        RecordingSourceContext ctx = start(CronSource.builder("dst").cron("30 2 * * *").zone(berlin).build(), clock);

        clock.advanceTo(at("2026-03-31T12:00:00Z"));
        assertThat(times(ctx)).containsExactly(
                at("2026-03-28T01:30:00Z"),   // 02:30 CET
                at("2026-03-29T01:30:00Z"),   // 02:30 does not exist: fires at 03:30 CEST
                at("2026-03-30T00:30:00Z"),   // 02:30 CEST
                at("2026-03-31T00:30:00Z"));

        ctx.clear();
        clock.advanceTo(at("2026-10-27T12:00:00Z"));
        List<Instant> october = times(ctx).stream().filter(t -> t.isAfter(at("2026-10-23T12:00:00Z"))).toList();
        assertThat(october).containsExactly(
                at("2026-10-24T00:30:00Z"),
                at("2026-10-25T00:30:00Z"),   // 02:30 happens twice; fires once, at the first
                at("2026-10-26T01:30:00Z"),   // 02:30 CET
                at("2026-10-27T01:30:00Z"));
    }

    @Test
    void instancesRunningTheSameScheduleProduceTheSameIds() {
        ManualScheduler a = new ManualScheduler(at("2026-01-01T00:00:07Z"));
        ManualScheduler b = new ManualScheduler(at("2026-01-01T00:00:41Z"));
        RecordingSourceContext ctxA = start(CronSource.builder("beat").cron("@every 1m").build(), a);
        RecordingSourceContext ctxB = start(CronSource.builder("beat").cron("@every 1m").build(), b);

        a.advanceTo(at("2026-01-01T00:03:00Z"));
        b.advanceTo(at("2026-01-01T00:03:00Z"));

        assertThat(ctxA.emitted()).extracting(CloudEvent::getId)
                .containsExactly("beat@2026-01-01T00:01:00Z", "beat@2026-01-01T00:02:00Z", "beat@2026-01-01T00:03:00Z")
                .isEqualTo(ctxB.emitted().stream().map(CloudEvent::getId).toList());
    }

    @Test
    void skipDropsMissedTicksAfterAPause() {
        ManualScheduler clock = new ManualScheduler(at("2026-01-01T00:00:00Z"));
        CronSource hourly = CronSource.builder("h").cron("@hourly").misfire(MisfirePolicy.skip()).build();
        RecordingSourceContext ctx = start(hourly, clock);

        clock.jumpTo(at("2026-01-01T05:30:00Z")); // paused for five and a half hours
        clock.runDue();
        assertThat(ctx.emitted()).isEmpty();
        assertThat(hourly.ticksMissed()).isEqualTo(5);

        clock.advanceTo(at("2026-01-01T06:00:00Z"));
        assertThat(times(ctx)).containsExactly(at("2026-01-01T06:00:00Z"));
    }

    @Test
    void skipStillFiresATickThatIsLateWithinTheThreshold() {
        ManualScheduler clock = new ManualScheduler(at("2026-01-01T00:00:00Z"));
        CronSource hourly = CronSource.builder("h").cron("@hourly").misfire(MisfirePolicy.skip())
                .misfireThreshold(Duration.ofMinutes(5)).build();
        RecordingSourceContext ctx = start(hourly, clock);

        clock.jumpTo(at("2026-01-01T03:04:00Z"));
        clock.runDue();

        assertThat(times(ctx)).containsExactly(at("2026-01-01T03:00:00Z"));
        assertThat(hourly.ticksMissed()).isEqualTo(2);
    }

    @Test
    void fireOnceFiresOnlyTheLatestMissedTick() {
        ManualScheduler clock = new ManualScheduler(at("2026-01-01T00:00:00Z"));
        CronSource hourly = CronSource.builder("h").cron("0 * * * *").build(); // fireOnce is the default
        RecordingSourceContext ctx = start(hourly, clock);

        clock.jumpTo(at("2026-01-01T05:30:00Z"));
        clock.runDue();

        assertThat(times(ctx)).containsExactly(at("2026-01-01T05:00:00Z"));
        assertThat(ctx.emitted().get(0).getId()).isEqualTo("h@2026-01-01T05:00:00Z");
        assertThat(hourly.ticksMissed()).isEqualTo(4);
        assertThat(hourly.misfire()).isEqualTo(MisfirePolicy.fireOnce());
    }

    @Test
    void catchUpFiresMissedTicksUpToTheMaximumAgeOldestFirst() {
        ManualScheduler clock = new ManualScheduler(at("2026-01-01T00:00:00Z"));
        CronSource hourly = CronSource.builder("h").cron("@hourly")
                .misfire(MisfirePolicy.catchUp(Duration.ofHours(3))).build();
        RecordingSourceContext ctx = start(hourly, clock);

        clock.jumpTo(at("2026-01-01T10:30:00Z"));
        clock.runDue();

        assertThat(times(ctx)).containsExactly(
                at("2026-01-01T08:00:00Z"), at("2026-01-01T09:00:00Z"), at("2026-01-01T10:00:00Z"));
        assertThat(hourly.ticksMissed()).isEqualTo(7);
    }

    @Test
    void neverABurstOfThousandsAfterALongPause() {
        ManualScheduler clock = new ManualScheduler(at("2026-01-01T00:00:00Z"));
        CronSource everySecond = CronSource.builder("s").cron("* * * * * ?")
                .misfire(MisfirePolicy.catchUp(Duration.ofDays(1), 100)).build();
        RecordingSourceContext ctx = start(everySecond, clock);

        clock.jumpTo(at("2026-01-02T00:00:00Z")); // one day: 86,400 missed ticks
        clock.runDue();

        assertThat(ctx.emitted()).hasSize(100);
        assertThat(times(ctx).get(0)).isEqualTo(at("2026-01-01T23:58:21Z"));
        assertThat(times(ctx).get(99)).isEqualTo(at("2026-01-02T00:00:00Z"));
        assertThat(everySecond.ticksMissed()).isEqualTo(9_900); // cron ticks are counted up to 10,000: a lower bound
    }

    @Test
    void periodicFireOnceCountsMissedTicksExactly() {
        ManualScheduler clock = new ManualScheduler(at("2026-01-01T00:00:00Z"));
        CronSource everySecond = CronSource.builder("s").cron("@every 1s").build();
        RecordingSourceContext ctx = start(everySecond, clock);

        clock.jumpTo(at("2026-01-02T00:00:00Z"));
        clock.runDue();

        assertThat(times(ctx)).containsExactly(at("2026-01-02T00:00:00Z"));
        assertThat(everySecond.ticksMissed()).isEqualTo(86_399);
    }

    @Test
    void backwardClockJumpNeverRepeatsATick() {
        ManualScheduler clock = new ManualScheduler(at("2026-01-01T00:00:00Z"));
        RecordingSourceContext ctx = start(CronSource.builder("j").cron("@every 10m").build(), clock);
        clock.advanceTo(at("2026-01-01T00:10:00Z"));
        assertThat(times(ctx)).containsExactly(at("2026-01-01T00:10:00Z"));

        clock.jumpTo(at("2026-01-01T00:02:00Z")); // wall clock set back eight minutes
        clock.advanceTo(at("2026-01-01T00:19:00Z"));
        assertThat(times(ctx)).containsExactly(at("2026-01-01T00:10:00Z"));

        clock.advanceTo(at("2026-01-01T00:20:00Z"));
        assertThat(times(ctx)).containsExactly(at("2026-01-01T00:10:00Z"), at("2026-01-01T00:20:00Z"));
    }

    @Test
    void forwardClockJumpIsNoticedWithoutWaitingForALongSleep() {
        ManualScheduler clock = new ManualScheduler(at("2026-01-01T00:00:00Z"));
        RecordingSourceContext ctx = start(CronSource.builder("d").cron("@daily").build(), clock);

        // the pending wake-up is at most a minute ahead even though the tick is a day away
        assertThat(clock.pendingDueTimes()).containsExactly(at("2026-01-01T00:01:00Z"));
        clock.jumpTo(at("2026-01-02T00:00:30Z"));
        clock.advance(Duration.ofSeconds(30));

        assertThat(times(ctx)).containsExactly(at("2026-01-02T00:00:00Z"));
    }

    @Test
    void resumeAfterHandlesTicksMissedWhileTheApplicationWasDown() {
        ManualScheduler clock = new ManualScheduler(at("2026-01-01T10:30:00Z"));
        CronSource hourly = CronSource.builder("h").cron("@hourly")
                .misfire(MisfirePolicy.catchUp(Duration.ofDays(1)))
                .resumeAfter(at("2026-01-01T07:00:00Z")).build();
        RecordingSourceContext ctx = start(hourly, clock);

        clock.runDue();

        assertThat(times(ctx)).containsExactly(
                at("2026-01-01T08:00:00Z"), at("2026-01-01T09:00:00Z"), at("2026-01-01T10:00:00Z"));
        assertThat(hourly.lastTick()).contains(at("2026-01-01T10:00:00Z"));
    }

    @Test
    void rejectedTicksAreCountedAndTheScheduleGoesOn() {
        ManualScheduler clock = new ManualScheduler(at("2026-01-01T00:00:00Z"));
        CronSource hourly = CronSource.builder("h").cron("@hourly").build();
        RecordingSourceContext ctx = start(hourly, clock).rejectAll();

        clock.advance(Duration.ofHours(2));

        assertThat(ctx.emitted()).isEmpty();
        assertThat(hourly.ticksRejected()).isEqualTo(2);
        assertThat(hourly.ticksFired()).isZero();
        assertThat(hourly.nextTick()).contains(at("2026-01-01T03:00:00Z"));
    }

    @Test
    void closeStopsTicking() {
        ManualScheduler clock = new ManualScheduler(at("2026-01-01T00:00:00Z"));
        CronSource hourly = CronSource.builder("h").cron("@hourly").build();
        RecordingSourceContext ctx = start(hourly, clock);
        clock.advance(Duration.ofHours(1));

        hourly.close();
        hourly.close();
        clock.advance(Duration.ofHours(3));

        assertThat(ctx.emitted()).hasSize(1);
        assertThat(clock.pendingTasks()).isZero();
        assertThat(hourly.nextTick()).isEmpty();
    }

    @Test
    void builderSaysWhatIsMissingOrWrong() {
        assertThatThrownBy(() -> CronSource.builder("x").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("has no schedule");
        assertThatThrownBy(() -> CronSource.builder("x").cron("0 0 2 * *x"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("Supported:");
        assertThatThrownBy(() -> CronSource.builder("not a name"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("source name");
        assertThatThrownBy(() -> MisfirePolicy.catchUp(Duration.ZERO))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxAge");
        assertThatThrownBy(() -> MisfirePolicy.catchUp(Duration.ofHours(1), 20_000))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxTicks");
    }
}
