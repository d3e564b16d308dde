package io.switchboard.redis;

import io.switchboard.api.EventBus;
import io.switchboard.spi.EventBusProvider;

import java.util.Map;

/** Creates {@link RedisEventBus}es of type {@code redis} from text settings ({@link RedisBusConfig#fromMap}). */
public final class RedisEventBusProvider implements EventBusProvider {

    @Override
    public String type() {
        return "redis";
    }

    @Override
    public EventBus create(Map<String, String> config) {
        return RedisEventBus.create(RedisBusConfig.fromMap(config));
    }
}
