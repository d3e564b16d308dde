package io.switchboard.api;

import io.cloudevents.CloudEvent;

/**
 * A handler for one event at a time. It may throw: the exception counts as a failed attempt and the
 * subscriber's {@link DeliveryPolicy} decides between retry and dead letter. Throw
 * {@link NonRetryableException} to skip the remaining attempts.
 */
@FunctionalInterface
public interface EventHandler {
    void handle(CloudEvent event) throws Exception;
}
