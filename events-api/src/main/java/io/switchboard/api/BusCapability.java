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
    POISON_DETECTION,
    /**
     * A consumer may keep an event unacknowledged past its turn ({@link Acknowledgement#hold()}) without holding back
     * later events of its key; a held event is redelivered to the group if its holder goes away. Correlated
     * subscribers on a durable bus need this to keep the events they hold as durable as the bus.
     */
    HELD_ACKNOWLEDGEMENT
}
