package io.switchboard.spring.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;

import java.io.IOException;

/** Reads event data as JSON (for handlers that see a whole firing). */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static <T> T read(CloudEvent event, Class<T> type) throws IOException {
        return MAPPER.readValue(event.getData().toBytes(), type);
    }
}
