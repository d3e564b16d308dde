package io.switchboard.core.scaleout;

import io.cloudevents.CloudEvent;
import io.switchboard.api.BusCapability;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.EventBus;
import io.switchboard.api.Subscription;
import io.switchboard.core.bus.InMemoryEventBus;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * One application instance's client of a bus shared by several instances, for tests of the cross-instance path
 * without a broker: delegates to one {@link InMemoryEventBus} (members of one group share its partitions) and
 * declares {@link BusCapability#DURABLE} on top of its capabilities (minus {@code without}), so that the runtime
 * takes the path it takes on Kafka. Closing it leaves the shared bus open.
 */
final class SharedDurableBus implements EventBus {

    private final InMemoryEventBus shared;
    private final Set<BusCapability> capabilities;

    SharedDurableBus(InMemoryEventBus shared, BusCapability... without) {
        this.shared = shared;
        EnumSet<BusCapability> caps = EnumSet.copyOf(shared.capabilities());
        caps.add(BusCapability.DURABLE);
        for (BusCapability c : without) {
            caps.remove(c);
        }
        this.capabilities = Set.copyOf(caps);
    }

    @Override
    public String type() {
        return "shared-memory";
    }

    @Override
    public Set<BusCapability> capabilities() {
        return capabilities;
    }

    @Override
    public CompletionStage<Void> publish(String topic, CloudEvent event) {
        return shared.publish(topic, event);
    }

    @Override
    public CompletionStage<Void> publish(String topic, CloudEvent event, String partitionKey) {
        return shared.publish(topic, event, partitionKey);
    }

    @Override
    public Subscription subscribe(String topic, String group, BusConsumer consumer) {
        return shared.subscribe(topic, group, consumer);
    }

    @Override
    public void close() {
    }
}
