package io.switchboard.api;

/** A live consumption of one topic by one consumer group member. Thread-safe. */
public interface Subscription extends AutoCloseable {

    /** The topic consumed. */
    String topic();

    /** The consumer group this subscription belongs to. */
    String group();

    /**
     * Stops consumption after in-flight deliveries finish (or are abandoned unacknowledged), releasing the
     * subscription's threads and connections. Idempotent.
     */
    @Override
    void close();
}
