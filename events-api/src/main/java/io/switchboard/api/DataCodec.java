package io.switchboard.api;

import io.cloudevents.CloudEvent;

/**
 * Maps event data to application types and reply objects to events, for the typed sinks
 * ({@link Sink#handler(Class, TypedEventHandler)} and the like). The runtime supplies it (Jackson-backed, with the
 * application's {@code ObjectMapper} when it gives one); applications normally never implement it. Thread-safe.
 */
public interface DataCodec {

    /**
     * Reads the data of {@code event} as {@code type}.
     *
     * @return the mapped value; {@code null} only if the data is JSON {@code null}
     * @throws InvalidDataException if the event has no data, or the data cannot be mapped (never retried)
     */
    <T> T read(CloudEvent event, Class<T> type);

    /**
     * The reply event for a value a typed reply handler returned: a {@link CloudEvent} as it is; any other value
     * serialised as JSON data of a new event of type {@code replyType} whose source and subject are the request's.
     *
     * @return the reply, or {@code null} if {@code value} is null
     */
    CloudEvent reply(CloudEvent request, String replyType, Object value);
}
