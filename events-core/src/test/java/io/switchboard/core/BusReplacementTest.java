package io.switchboard.core;

import io.cloudevents.CloudEvent;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.Trigger;
import io.switchboard.core.bus.InMemoryEventBus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.switchboard.core.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class BusReplacementTest {

    @Test
    void busesDeclaredByTypeAndTheDefaultBusComeFromTheReplacementWithoutAProvider() throws Exception {
        List<String> offered = new ArrayList<>();
        List<InMemoryEventBus> made = new ArrayList<>();
        List<CloudEvent> seen = new CopyOnWriteArrayList<>();
        Switchboard sb = Switchboard.builder()
                .bus("orders", "no-such-broker", Map.of("servers", "far-away:1234"))
                .replaceBuses((namespace, type) -> {
                    offered.add(namespace + ":" + type);
                    InMemoryEventBus bus = InMemoryEventBus.create();
                    made.add(bus);
                    return bus;
                })
                .trigger(Trigger.builder("t").bus("orders").input("in", null).subscriber("s", null,
                        io.switchboard.api.Sink.handler(seen::add)).build())
                .build().start();
        try {
            assertThat(offered).containsExactlyInAnyOrder("default:memory", "orders:no-such-broker");
            assertThat(sb.runtime().buses()).containsEntry("orders", "memory").containsEntry("default", "memory");

            made.get(offered.indexOf("orders:no-such-broker")).publish("app", event("x")).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            await().atMost(java.time.Duration.ofSeconds(10)).until(() -> seen.size() == 1);
        } finally {
            sb.shutdown();
        }
        assertThat(made).as("the runtime closes replaced buses like buses it created")
                .allSatisfy(bus -> assertThatThrownBy(() -> bus.publish("app", event("late")).toCompletableFuture()
                        .get(10, TimeUnit.SECONDS)).hasMessageContaining("closed"));
    }

    @Test
    void aNullAnswerKeepsTheUsualBus() {
        assertThatThrownBy(() -> Switchboard.builder().bus("orders", "no-such-broker", Map.of())
                .replaceBuses((namespace, type) -> null).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("no-such-broker");
        assertThatThrownBy(() -> Switchboard.builder().replaceBuses(null)).isInstanceOf(NullPointerException.class);
    }
}
