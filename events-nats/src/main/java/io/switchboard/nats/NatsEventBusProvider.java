package io.switchboard.nats;

import io.switchboard.api.EventBus;
import io.switchboard.spi.EventBusProvider;

import java.util.Map;

/** Creates {@link NatsEventBus}es of type {@code nats} from text settings ({@link NatsBusConfig#fromMap}). Stateless. */
public final class NatsEventBusProvider implements EventBusProvider {

    @Override
    public String type() {
        return "nats";
    }

    @Override
    public EventBus create(Map<String, String> config) {
        return NatsEventBus.create(NatsBusConfig.fromMap(config));
    }
}
