package io.switchboard.api;

import io.cloudevents.CloudEvent;

/**
 * A handler for one event at a time that receives the event's data mapped to {@code T}. Failures behave as for
 * {@link EventHandler}; data that cannot be mapped never reaches it (the firing is dead-lettered, not retried).
 *
 * @param <T> the data type
 */
@FunctionalInterface
public interface TypedEventHandler<T> {
    void handle(CloudEvent event, T data) throws Exception;
}
