package io.switchboard.core.internal.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import io.switchboard.api.DataCodec;
import io.switchboard.api.InvalidDataException;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The runtime's {@link DataCodec}: Jackson with the application's {@link ObjectMapper} (or a default one), data bounded
 * in size like the data filters' ({@link JsonData#maxBytes()}); nesting depth is bounded by the mapper's own stream
 * constraints (Jackson's default, or what the application configured).
 */
public final class JacksonCodec implements DataCodec {

    private final ObjectMapper mapper;
    private final int maxBytes;

    public JacksonCodec(ObjectMapper mapper, int maxBytes) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.maxBytes = maxBytes;
    }

    @Override
    public <T> T read(CloudEvent event, Class<T> type) {
        CloudEventData data = event.getData();
        if (data == null) {
            throw failure(event, type, "the event has no data", null);
        }
        try {
            if (data instanceof JsonCloudEventData json) {
                return mapper.treeToValue(json.getNode(), type);
            }
            byte[] bytes = data.toBytes();
            if (bytes.length > maxBytes) {
                throw failure(event, type, "the data is " + bytes.length + " bytes, more than the limit of " + maxBytes,
                        null);
            }
            if (bytes.length == 0) {
                throw failure(event, type, "the event's data is empty", null);
            }
            return mapper.readValue(bytes, type);
        } catch (IOException | IllegalArgumentException e) {
            throw failure(event, type, e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    private static InvalidDataException failure(CloudEvent event, Class<?> type, String why, Throwable cause) {
        String reason = Schemas.bound(firstLine(why));
        String message = "data of event " + event.getId() + " cannot be read as " + type.getName() + ": " + reason;
        return new InvalidDataException(message, List.of(new InvalidDataException.Violation("", reason)), cause);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public CloudEvent reply(CloudEvent request, String replyType, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof CloudEvent event) {
            return event;
        }
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("reply " + value.getClass().getName() + " cannot be written as JSON: "
                    + e.getMessage(), e);
        }
        CloudEventBuilder reply = CloudEventBuilder.v1()
                .withId(UUID.randomUUID().toString())
                .withSource(request.getSource())
                .withType(replyType)
                .withDataContentType("application/json")
                .withData(json);
        if (request.getSubject() != null) {
            reply.withSubject(request.getSubject());
        }
        return reply.build();
    }
}
