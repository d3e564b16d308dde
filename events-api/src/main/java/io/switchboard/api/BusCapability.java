package io.switchboard.api;

/** Guarantees an {@link EventBus} may give; a bus declares its set in {@link EventBus#capabilities()}. */
public enum BusCapability {
    /** Accepted events survive closing and reopening the bus and its subscriptions. */
    DURABLE,
    /** A consumer whose stage fails gets the event again. */
    REDELIVERY,
    /** Events with the same partition key are delivered in publish order. */
    ORDERED_PER_KEY,
    /** Several subscriptions of one group share events; separate groups each get all of them. */
    CONSUMER_GROUPS,
    /** Bytes on the wire that are not a CloudEvent reach {@link BusConsumer#poison(PoisonMessage)}. */
    POISON_DETECTION
}
