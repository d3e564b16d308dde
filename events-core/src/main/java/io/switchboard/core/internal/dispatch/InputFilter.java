package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;

/**
 * A compiled input filter plus the equality keys the routing table indexes it by.
 *
 * @param expression the filter's text (for messages), or {@code null} for "every event"
 * @param typeKey    the literal of a top-level {@code type = '…'} conjunct, or {@code null}
 * @param sourceKey  the literal of a top-level {@code source = '…'} conjunct, or {@code null}
 * @param predicate  the whole filter (evaluated for every candidate the index yields), or {@code null} for none
 */
public record InputFilter(String expression, String typeKey, String sourceKey, EventPredicate predicate) {

    /** The filter that accepts every event. */
    public static final InputFilter ALL = new InputFilter(null, null, null, null);

    /** Whether {@code event} passes. */
    public boolean test(CloudEvent event) {
        return predicate == null || predicate.test(event);
    }

    /** A side-effect-free test of one event; implementations are thread-safe. */
    @FunctionalInterface
    public interface EventPredicate {
        boolean test(CloudEvent event);
    }
}
