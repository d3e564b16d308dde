package io.switchboard.core.source.cron;

import io.cloudevents.CloudEvent;
import io.switchboard.api.ConfigurationException;
import io.switchboard.core.source.support.RecordingSourceContext;
import io.switchboard.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimerSourceTest {

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }

    @Test
    void fixedRateTicksAtMultiplesOfThePeriodWithTimerType() {
        ManualScheduler clock = new ManualScheduler(at("2026-01-01T00:00:03Z"));
        TimerSource heartbeat = TimerSource.fixedRate("heartbeat", Duration.ofSeconds(10));
        RecordingSourceContext ctx = new RecordingSourceContext("heartbeat", clock);
        heartbeat.start(ctx);

        clock.advanceTo(at("2026-01-01T00:00:30Z"));
        heartbeat.close();

        assertThat(ctx.emitted()).extracting(CloudEvent::getId).containsExactly(
                "heartbeat@2026-01-01T00:00:10Z", "heartbeat@2026-01-01T00:00:20Z", "heartbeat@2026-01-01T00:00:30Z");
        CloudEvent e = ctx.emitted().get(0);
        assertThat(e.getType()).isEqualTo("io.switchboard.timer.tick");
        assertThat(e.getSource()).isEqualTo(URI.create("urn:switchboard:timer:heartbeat"));
        assertThat(e.getTime().toInstant()).isEqualTo(at("2026-01-01T00:00:10Z"));
        assertThat(e.getData()).isNull();
    }

    @Test
    void fixedRateAppliesTheMisfirePolicy() {
        ManualScheduler clock = new ManualScheduler(at("2026-01-01T00:00:00Z"));
        TimerSource t = TimerSource.builder("t").fixedRate(Duration.ofMinutes(1))
                .misfire(MisfirePolicy.catchUp(Duration.ofMinutes(10), 3)).build();
        RecordingSourceContext ctx = new RecordingSourceContext("t", clock);
        t.start(ctx);

        clock.jumpTo(at("2026-01-01T01:00:00Z"));
        clock.runDue();
        t.close();

        assertThat(ctx.emitted()).extracting(e -> e.getTime().toInstant()).containsExactly(
                at("2026-01-01T00:58:00Z"), at("2026-01-01T00:59:00Z"), at("2026-01-01T01:00:00Z"));
        assertThat(t.ticksMissed()).isEqualTo(57);
    }

    @Test
    void fixedDelayPlansTheNextTickOnlyAfterTheBusAcceptedThePrevious() {
        ManualScheduler clock = new ManualScheduler(at("2026-01-01T00:00:00Z"));
        List<CompletableFuture<Void>> accepts = new ArrayList<>();
        RecordingSourceContext ctx = new RecordingSourceContext("poll", clock).acceptWith(e -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            accepts.add(f);
            return f;
        });
        TimerSource poll = TimerSource.builder("poll").fixedDelay(Duration.ofSeconds(5))
                .type("com.example.poll").data("text/plain", "go").build();
        poll.start(ctx);

        clock.advance(Duration.ofSeconds(5));
        assertThat(accepts).hasSize(1);
        clock.advance(Duration.ofSeconds(30)); // bus still busy: no second tick
        assertThat(accepts).hasSize(1);
        assertThat(poll.nextTick()).isEmpty();

        accepts.get(0).complete(null); // accepted at 00:00:35
        assertThat(poll.nextTick()).contains(at("2026-01-01T00:00:40Z"));
        clock.advance(Duration.ofSeconds(5));
        assertThat(accepts).hasSize(2);
        accepts.get(1).complete(null);
        poll.close();

        assertThat(ctx.emitted()).extracting(CloudEvent::getId)
                .containsExactly("poll@2026-01-01T00:00:05Z", "poll@2026-01-01T00:00:40Z");
        assertThat(ctx.emitted().get(0).getType()).isEqualTo("com.example.poll");
        assertThat(poll.ticksFired()).isEqualTo(2);
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void fixedDelayKeepsGoingAfterARejection() {
        ManualScheduler clock = new ManualScheduler(at("2026-01-01T00:00:00Z"));
        RecordingSourceContext ctx = new RecordingSourceContext("p", clock).rejectAll();
        TimerSource poll = TimerSource.fixedDelay("p", Duration.ofSeconds(1));
        poll.start(ctx);

        clock.advance(Duration.ofSeconds(3));
        poll.close();

        assertThat(poll.ticksRejected()).isEqualTo(3);
    }

    @Test
    void builderRejectsContradictions() {
        assertThatThrownBy(() -> TimerSource.builder("t").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("fixedRate(Duration) or fixedDelay(Duration)");
        assertThatThrownBy(() -> TimerSource.builder("t").fixedDelay(Duration.ofSeconds(1))
                .misfire(MisfirePolicy.skip()).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("fixed-delay");
        assertThatThrownBy(() -> TimerSource.fixedRate("t", Duration.ZERO))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least 1ms");
    }
}
