package io.switchboard.api;

import io.cloudevents.CloudEvent;

/**
 * A handler that answers: its returned event is the reply a requester receives (request/reply). Returning
 * {@code null} means "no reply"; a requester then gets {@link RequestFailedException.Reason#NO_REPLY}.
 */
@FunctionalInterface
public interface ReplyHandler {
    CloudEvent handle(CloudEvent event) throws Exception;
}
