package io.switchboard.test;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Firing;
import io.switchboard.api.Sink;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.switchboard.test.SwitchboardAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProbeAssertTest {

    private final Probe probe = Probe.named("orders");

    @Test
    void receivedChecksCountAndEveryEvent() throws Exception {
        deliver(probe.sink(), Events.event("order.created").subject("o-1").build());
        deliver(probe.sink(), Events.event("order.created").subject("o-2").build());

        assertThat(probe).received(2).ofType("order.created").withSubjects("o-1", "o-2");
        assertThat(probe).fired(2).extracting(Firing::trigger).containsOnly("trigger");
    }

    @Test
    void receivedWaitsForAsynchronousDelivery() {
        CompletableFuture.runAsync(() -> deliverUnchecked(probe.sink(), Events.of("late")),
                CompletableFuture.delayedExecutor(50, java.util.concurrent.TimeUnit.MILLISECONDS));

        assertThat(probe).within(Duration.ofSeconds(5)).received(1).ofType("late");
    }

    @Test
    void aWrongCountFailsNamingTheProbeAndWhatArrived() throws Exception {
        deliver(probe.sink(), Events.event("order.created").subject("o-1").build());

        assertThatThrownBy(() -> assertThat(probe).within(Duration.ofMillis(50)).received(2))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("probe 'orders'")
                .hasMessageContaining("receive 2")
                .hasMessageContaining("order.created subject=o-1");
    }

    @Test
    void moreThanExpectedFails() throws Exception {
        deliver(probe.sink(), Events.of("a"));
        deliver(probe.sink(), Events.of("b"));

        assertThatThrownBy(() -> assertThat(probe).received(1)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("but it did 2");
    }

    @Test
    void anAttributeMismatchNamesTheEvent() throws Exception {
        deliver(probe.sink(), Events.event("order.created").subject("o-1").build());

        assertThatThrownBy(() -> assertThat(probe).received(1).ofType("order.paid"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("type order.paid")
                .hasMessageContaining("order.created subject=o-1");
    }

    @Test
    void deadLettersCompareExtensionsByCanonicalForm() throws Exception {
        deliver(probe.deadLetterSink(), Events.event("order.created").extension("dlattempts", "3").build());

        assertThat(probe).deadLettered(1).withExtension("dlattempts", 3).ofType("order.created");
        assertThat(probe).receivedNothing();
        assertThatThrownBy(() -> assertThat(probe).deadLettered(1).withExtension("dlattempts", 4))
                .isInstanceOf(AssertionError.class).hasMessageContaining("'dlattempts' = 4");
    }

    @Test
    void failingSinksFailThenRecord() throws Exception {
        Sink sink = probe.sinkFailingFirst(2);
        CloudEvent event = Events.of("x");

        assertThatThrownBy(() -> deliver(sink, event)).isInstanceOf(Probe.ProbeFailure.class);
        assertThatThrownBy(() -> deliver(sink, event)).isInstanceOf(Probe.ProbeFailure.class);
        deliver(sink, event);

        assertThat(probe).attempted(3).received(1);
        assertThatThrownBy(() -> deliver(probe.failingSink(), event)).isInstanceOf(Probe.ProbeFailure.class);
    }

    @Test
    void replyingSinkRecordsRequestsAndReplies() throws Exception {
        Sink sink = probe.replying(request -> Events.event("order.quoted").subject(request.getSubject()).build());

        CloudEvent reply = ((Sink.Invoke) sink).invoker().invoke(firing(Events.event("order.quote").subject("o-9").build()))
                .toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();

        SwitchboardAssertions.assertThat(reply).hasType("order.quoted").hasSubject("o-9");
        assertThat(probe).received(1).ofType("order.quote");
        assertThat(probe).replied(1).ofType("order.quoted").withSubject("o-9");
    }

    @Test
    void eventAssertionsDescribeMismatches() {
        CloudEvent e = Events.event("t").subject("s").data("{\"a\":1}").extension("n", 1).build();

        assertThat(e).hasType("t").hasSubject("s").hasData("{\"a\":1}").hasExtension("n", "1").doesNotHaveExtension("m");
        assertThatThrownBy(() -> assertThat(e).hasData("{\"a\":2}")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("{\"a\":1}");
        assertThatThrownBy(() -> assertThat(e).hasExtension("m", 1)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("no such extension");
    }

    static void deliver(Sink sink, CloudEvent event) throws Exception {
        try {
            ((Sink.Invoke) sink).invoker().invoke(firing(event)).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw (Exception) e.getCause();
        }
    }

    private static void deliverUnchecked(Sink sink, CloudEvent event) {
        try {
            deliver(sink, event);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Firing firing(CloudEvent event) {
        return new Firing("trigger", "subscriber", event, Map.of("input", event), List.of(event));
    }
}
