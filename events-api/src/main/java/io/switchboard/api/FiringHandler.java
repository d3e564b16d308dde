package io.switchboard.api;

/**
 * A handler that sees the whole {@link Firing}: every contributing event by input name (multi-input
 * conditions), or the batch (batching subscribers).
 */
@FunctionalInterface
public interface FiringHandler {
    void handle(Firing firing) throws Exception;
}
