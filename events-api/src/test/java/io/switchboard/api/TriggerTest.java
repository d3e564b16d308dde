package io.switchboard.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TriggerTest {

    private static final Sink SINK = Sink.handler(e -> { });

    @Test
    void aTriggerKeepsItsInputsAndSubscribersInOrder() {
        Trigger t = Trigger.builder("orders").bus("eu").input("created", "type = 'created'")
                .input("paid", "payments", null).subscriber("ship", "created && paid", SINK)
                .subscriber(Subscriber.builder("audit").sink(SINK).build()).build();

        assertThat(t.name()).isEqualTo("orders");
        assertThat(t.bus()).isEqualTo("eu");
        assertThat(t.inputs()).containsOnlyKeys("created", "paid");
        assertThat(t.inputs().get("created").source()).isEqualTo(TriggerInput.APPLICATION);
        assertThat(t.inputs().get("paid")).isEqualTo(new TriggerInput("paid", "payments", null));
        assertThat(t.subscribers()).extracting(Subscriber::name).containsExactly("ship", "audit");
        assertThat(t.toBuilder().build()).usingRecursiveComparison().isEqualTo(t);
        assertThatThrownBy(() -> t.inputs().put("x", TriggerInput.of("x", null))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> t.subscribers().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theNamesOfTriggerBusInputAndSourceFollowTheNameRule() {
        assertThatThrownBy(() -> Trigger.builder("bad name")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trigger name 'bad name'");
        assertThatThrownBy(() -> Trigger.builder("t").bus("9bus")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bus name '9bus'");
        assertThatThrownBy(() -> Trigger.builder("t").input("in put", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input name 'in put'");
        assertThatThrownBy(() -> Trigger.builder("t").input("in", "a/b", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source name 'a/b'");
        assertThatThrownBy(() -> Trigger.builder("t").input("in", null, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aBlankFilterIsRefusedAndNullMeansEveryEvent() {
        assertThatThrownBy(() -> TriggerInput.of("in", " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("filter of input 'in' is blank");
        assertThat(TriggerInput.of("in", null).filter()).isNull();
    }

    @Test
    void inputAndSubscriberNamesAreUniqueWithinATrigger() {
        assertThatThrownBy(() -> Trigger.builder("t").input("in", null).input("in", "other", null))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("already has an input named 'in'");
        assertThatThrownBy(() -> Trigger.builder("t").subscriber("s", null, SINK).subscriber("s", null, SINK))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("already has a subscriber named 's'");
        assertThatThrownBy(() -> Trigger.builder("t").input(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Trigger.builder("t").subscriber(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aTriggerNeedsAnInputAndASubscriber() {
        assertThatThrownBy(() -> Trigger.builder("t").subscriber("s", null, SINK).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("has no input");
        assertThatThrownBy(() -> Trigger.builder("t").input("in", null).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("has no subscriber");
    }

    @Test
    void aFullQueueEitherFailsAtOnceOrBlocksForANonNegativeTime() {
        assertThat(FullQueuePolicy.fail()).isSameAs(FullQueuePolicy.Fail.INSTANCE);
        assertThat(FullQueuePolicy.block(Duration.ZERO)).isEqualTo(new FullQueuePolicy.Block(Duration.ZERO));
        assertThatThrownBy(() -> FullQueuePolicy.block(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> FullQueuePolicy.block(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be negative");
    }
}
