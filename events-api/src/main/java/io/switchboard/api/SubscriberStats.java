package io.switchboard.api;

/**
 * A snapshot of one subscriber's counters, for operators. Counts are since the subscriber was added; a subscriber of a
 * replaced trigger ({@code Switchboard.replaceTrigger}) counts on from its predecessor's values.
 *
 * @param trigger      the trigger's name
 * @param subscriber   the subscriber's name
 * @param received     events that reached one of the trigger's inputs for this subscriber
 * @param matched      events that passed an input filter
 * @param fired        firings (condition became true)
 * @param delivered    firings whose sink succeeded
 * @param failed       failed attempts (including ones later retried successfully)
 * @param retried      attempts that were retries
 * @param deadLettered firings given up after their last attempt
 * @param rejected     publishes refused because the queue was full
 * @param queueDepth   firings waiting in the queue right now
 */
public record SubscriberStats(String trigger, String subscriber, long received, long matched, long fired,
                              long delivered, long failed, long retried, long deadLettered, long rejected,
                              long queueDepth) {
}
