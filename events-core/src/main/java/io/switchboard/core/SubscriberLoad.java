package io.switchboard.core;

/**
 * How busy one subscriber is right now (gauges, where {@link io.switchboard.api.SubscriberStats} holds counters).
 *
 * @param trigger         the trigger's name
 * @param subscriber      the subscriber's name
 * @param queueDepth      firings waiting in its queue
 * @param queueCapacity   the most firings its queue holds ({@code Subscriber.queueCapacity}); 0 for an inline
 *                        subscriber, which has no queue
 * @param inFlight        firings accepted and not finished yet (queued, being delivered, or waiting for a retry)
 * @param correlationKeys correlation keys holding events that wait for their partners (0 unless the condition
 *                        correlates several inputs)
 */
public record SubscriberLoad(String trigger, String subscriber, long queueDepth, long queueCapacity, long inFlight,
                             long correlationKeys) {
}
