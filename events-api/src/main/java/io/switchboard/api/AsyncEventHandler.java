package io.switchboard.api;

import io.cloudevents.CloudEvent;

import java.util.concurrent.CompletionStage;

/**
 * A handler that finishes later: the attempt succeeds when the returned stage completes normally, and fails
 * when it completes exceptionally (or the handler throws).
 */
@FunctionalInterface
public interface AsyncEventHandler {
    CompletionStage<Void> handle(CloudEvent event);
}
