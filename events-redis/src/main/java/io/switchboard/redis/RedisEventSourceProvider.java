package io.switchboard.redis;

import io.switchboard.api.EventSource;
import io.switchboard.spi.EventSourceProvider;

import java.util.Map;

/** Creates {@link RedisEventSource}s of type {@code redis} from text settings ({@link RedisEventSource#fromMap}). Stateless. */
public final class RedisEventSourceProvider implements EventSourceProvider {

    @Override
    public String type() {
        return "redis";
    }

    @Override
    public EventSource create(String name, Map<String, String> config) {
        return RedisEventSource.fromMap(name, config);
    }
}
