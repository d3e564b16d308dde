package io.switchboard.nats;

import io.switchboard.api.EventSource;
import io.switchboard.spi.EventSourceProvider;

import java.util.Map;

/** Creates {@link NatsEventSource}s of type {@code nats} from text settings ({@link NatsEventSource#fromMap}). Stateless. */
public final class NatsEventSourceProvider implements EventSourceProvider {

    @Override
    public String type() {
        return "nats";
    }

    @Override
    public EventSource create(String name, Map<String, String> config) {
        return NatsEventSource.fromMap(name, config);
    }
}
