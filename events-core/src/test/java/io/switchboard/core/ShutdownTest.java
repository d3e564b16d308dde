package io.switchboard.core;

import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;

import static io.switchboard.core.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(30)
class ShutdownTest {

    @Test
    void close_drains_every_accepted_event_before_returning() {
        AtomicInteger handled = new AtomicInteger();
        Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("t").input("in", null)
                        .subscriber(Subscriber.builder("slow").concurrency(1).handler(e -> {
                            Thread.sleep(1);
                            handled.incrementAndGet();
                        }).build()).build())
                .build().start();
        for (int i = 0; i < 200; i++) {
            sb.publish(event("x", "/test", "k")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        }
        DrainReport report = sb.shutdown();
        assertThat(report.complete()).as(report.toString()).isTrue();
        assertThat(handled.get()).isEqualTo(200);
        assertThat(sb.shutdown()).isSameAs(report);
        assertThat(sb.drainReport()).isSameAs(report);
        assertThatThrownBy(() -> sb.publish(event("x")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join()).hasMessageContaining("closed");
        assertThatThrownBy(() -> sb.addTrigger(Trigger.builder("late").input("in", null)
                .subscriber("s", null, Sink.handler(e -> { })).build())).hasMessageContaining("closed");
    }

    @Test
    void close_reports_what_it_could_not_drain_within_the_timeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        Switchboard sb = Switchboard.builder().drainTimeout(Duration.ofMillis(200))
                .trigger(Trigger.builder("t").input("in", null)
                        .subscriber(Subscriber.builder("stuck").concurrency(1).handler(e -> {
                            entered.countDown();
                            release.await(30, TimeUnit.SECONDS);
                        }).build()).build())
                .build().start();
        for (int i = 0; i < 3; i++) {
            sb.publish(event("x", "/test", "k")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        }
        assertThat(entered.await(30, TimeUnit.SECONDS)).as("the handler started").isTrue();
        DrainReport report = sb.shutdown();
        release.countDown();
        assertThat(report.complete()).isFalse();
        assertThat(report.undrained()).containsKey("t/stuck");
        assertThat(report.undrained().get("t/stuck") + report.busUndelivered()).isGreaterThanOrEqualTo(1);
        assertThat(report.toString()).contains("not drained").contains("t/stuck");
    }

    @Test
    void close_stops_sources_and_leaves_no_runtime_threads() {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet(); // other tests' leftovers are not ours
        Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("t").input("in", null).subscriber("s", null, Sink.handler(e -> { })).build())
                .build().start();
        sb.publish(event("x")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        sb.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t))
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("switchboard")));
    }
}
