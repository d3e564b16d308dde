package io.switchboard.micrometer;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Method;
import java.net.URI;
import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inline routed dispatch with every handler call timed (the worst case: no sampling) and an event with a time still
 * allocates nothing per event. Measured with the JVM's per-thread allocation counter (bytes, not time).
 */
@Timeout(60)
class InlineAllocationTest {

    private long handled;

    @Test
    void timingEveryInlineCallAllocatesNothing() throws ReflectiveOperationException {
        // reflection: the test sources compile inside this module, which does not read java.management
        Object threads = Class.forName("java.lang.management.ManagementFactory")
                .getMethod("getThreadMXBean").invoke(null);
        Class<?> withAllocation = Class.forName("com.sun.management.ThreadMXBean");
        if (!withAllocation.isInstance(threads)) {
            return; // nothing to measure with on this JVM
        }
        Method allocatedBytes = withAllocation.getMethod("getThreadAllocatedBytes", long.class);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CloudEvent event = CloudEventBuilder.v1().withId("order-1").withType("order.created")
                .withSource(URI.create("/shop")).withTime(OffsetDateTime.now()).build();
        try (Switchboard sb = Switchboard.builder().bus(new DirectBus())
                .observer(SwitchboardMetrics.observerBuilder(registry).inlineTimingSample(1).build())
                .trigger(Trigger.builder("orders").input("created", "type = 'order.created'")
                        .subscriber(Subscriber.builder("count").inline()
                                .handler(e -> handled += e.getId().length()).build())
                        .build())
                .build().start()) {
            for (int i = 0; i < 50_000; i++) { // warm up: class loading, profiling
                sb.publish(event);
            }
            long id = Thread.currentThread().getId();
            long before = (Long) allocatedBytes.invoke(threads, id);
            for (int i = 0; i < 200_000; i++) {
                sb.publish(event);
            }
            long allocated = (Long) allocatedBytes.invoke(threads, id) - before;
            // one allocation per event would be at least 3.2 MB; allow a little for the measurement itself
            assertThat(allocated).as("bytes allocated by 200,000 timed inline dispatches").isLessThan(4_096);
            assertThat(registry.get(MeterNames.HANDLER_DURATION).tag(MeterNames.OUTCOME, "success").timer().count())
                    .isEqualTo(250_000);
            assertThat(handled).isEqualTo(250_000L * "order-1".length());
        }
    }
}
