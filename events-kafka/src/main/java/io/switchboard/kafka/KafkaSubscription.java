package io.switchboard.kafka;

import io.switchboard.api.Subscription;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** One consumer-group member of a {@link KafkaEventBus} topic. Thread-safe. */
final class KafkaSubscription implements Subscription {

    private final String topic;
    private final String group;
    private final ConsumerLoop loop;
    private final Consumer<KafkaSubscription> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    KafkaSubscription(String topic, String group, ConsumerLoop loop, Consumer<KafkaSubscription> onClose) {
        this.topic = topic;
        this.group = group;
        this.loop = loop;
        this.onClose = onClose;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public String group() {
        return group;
    }

    /** Events polled but not yet acknowledged. */
    int inFlight() {
        return loop.inFlight();
    }

    /** See {@link ConsumerLoop#lag()}. */
    long lag() {
        return loop.lag();
    }

    /** See {@link ConsumerLoop#connected()}. */
    boolean connected() {
        return loop.connected();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                loop.close();
            } finally {
                onClose.accept(this);
            }
        }
    }

    /** Stops like a crashed process would: no commit, no leaving the group. For fault tests. */
    void abort() {
        if (closed.compareAndSet(false, true)) {
            try {
                loop.abort();
            } finally {
                onClose.accept(this);
            }
        }
    }

    @Override
    public String toString() {
        return "KafkaSubscription{topic=" + topic + ", group=" + group + "}";
    }
}
