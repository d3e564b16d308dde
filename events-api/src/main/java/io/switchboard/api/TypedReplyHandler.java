package io.switchboard.api;

import io.cloudevents.CloudEvent;

/**
 * A replying handler that receives the event's data mapped to {@code T} and returns the reply as an object (serialised
 * as the JSON data of the reply event), a {@link CloudEvent} (sent as it is), or {@code null} for no reply.
 *
 * @param <T> the data type
 */
@FunctionalInterface
public interface TypedReplyHandler<T> {
    Object handle(CloudEvent event, T data) throws Exception;
}
