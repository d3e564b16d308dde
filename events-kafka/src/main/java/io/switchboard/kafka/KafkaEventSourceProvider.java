package io.switchboard.kafka;

import io.switchboard.api.EventSource;
import io.switchboard.spi.EventSourceProvider;

import java.util.Map;

/** Creates {@link KafkaEventSource}s of type {@code kafka} from text settings ({@link KafkaEventSource#fromMap}). Stateless. */
public final class KafkaEventSourceProvider implements EventSourceProvider {

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public EventSource create(String name, Map<String, String> config) {
        return KafkaEventSource.fromMap(name, config);
    }
}
