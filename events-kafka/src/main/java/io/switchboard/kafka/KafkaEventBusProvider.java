package io.switchboard.kafka;

import io.switchboard.api.EventBus;
import io.switchboard.spi.EventBusProvider;

import java.util.Map;

/** Creates {@link KafkaEventBus}es of type {@code kafka} from text settings ({@link KafkaBusConfig#fromMap}). Stateless. */
public final class KafkaEventBusProvider implements EventBusProvider {

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public EventBus create(Map<String, String> config) {
        return KafkaEventBus.create(KafkaBusConfig.fromMap(config));
    }
}
