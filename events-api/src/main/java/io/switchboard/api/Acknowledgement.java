package io.switchboard.api;

/**
 * The acknowledgement of one delivered event, handed to {@link BusConsumer#deliver(CloudEvent, Acknowledgement)} by
 * a bus that declares {@link BusCapability#HELD_ACKNOWLEDGEMENT}.
 *
 * <p>By default an event is acknowledged when the consumer's stage completes normally, as with
 * {@link BusConsumer#deliver(io.cloudevents.CloudEvent)}. A consumer that must keep an event beyond its turn — a
 * correlated subscriber holding one half of a condition until its partner arrives — calls {@link #hold()} before its
 * stage completes. The stage then ends only the event's <em>turn</em>: the bus goes on to the next event of the same
 * key, but the held event stays unacknowledged (it counts against the bus's unacknowledged bound, keeps its Kafka
 * offset uncommitted, its JetStream message un-acked, its Redis Streams entry pending) until {@link #release()}.
 * If the holder goes away first — its subscription closes, its member crashes, or its partition or shard moves to
 * another member — the event is redelivered to the group, and the bus runs the {@link #whenReturned} action (for a
 * clean close or a move; a crashed process runs nothing) so that the holder forgets it.
 *
 * <p>A stage that completes exceptionally redelivers the event as usual, whether or not it was held.
 *
 * <p>Implementations are thread-safe; {@link #release()} and {@link #whenReturned} may be called from any thread.
 */
public interface Acknowledgement {

    /**
     * Keeps the event unacknowledged after the consumer's stage completes, until {@link #release()}. Must be called
     * before the stage completes; calling it again has no further effect.
     *
     * @return this acknowledgement
     */
    Acknowledgement hold();

    /**
     * Ends a hold: the event is acknowledged (once its stage has completed normally). Idempotent, and ignored after
     * the bus took the event back.
     */
    void release();

    /**
     * Registers an action the bus runs once if it takes the held event back unacknowledged (subscription closed,
     * partition or shard reassigned) before {@link #release()}. The event will be redelivered, usually to another
     * member; the action should drop the holder's copy. Runs at once if the event was already taken back.
     */
    void whenReturned(Runnable action);
}
