package io.switchboard.kafka.scaleout;

import io.switchboard.api.EventBus;
import io.switchboard.core.Switchboard;
import io.switchboard.kafka.KafkaCrash;
import io.switchboard.kafka.KafkaEventBus;
import io.switchboard.kafka.TestBroker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

/**
 * Application instances of one test: each a {@link Switchboard} with its own {@link KafkaEventBus} client, all in one
 * consumer group on topics of their own (unique prefix). A crash aborts the instance's bus like a killed process
 * (no commit, no clean leave) and marks the instance dead, so that its handlers record nothing from then on — a
 * killed process handles nothing either.
 */
final class Instances implements AutoCloseable {

    /** One instance; {@link #alive} is what its handlers check before recording. */
    static final class Instance {
        final String name;
        final EventBus bus;
        final Switchboard switchboard;
        volatile boolean alive = true;

        Instance(String name, EventBus bus, Switchboard switchboard) {
            this.name = name;
            this.bus = bus;
            this.switchboard = switchboard;
        }

        BooleanSupplier alive() {
            return () -> alive;
        }
    }

    private final TestBroker kafka;
    final String prefix = "so-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    final String group = "scale-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Instance> all = new ArrayList<>();
    private final List<EventBus> publishers = new ArrayList<>();
    private int started;

    Instances(TestBroker kafka) {
        this.kafka = kafka;
    }

    EventBus newBus() {
        return KafkaEventBus.create(kafka.fastBus().topicPrefix(prefix).build());
    }

    /** A bus client outside every instance, for publishing (never crashed). */
    EventBus publisher() {
        EventBus bus = newBus();
        publishers.add(bus);
        return bus;
    }

    /**
     * Starts an instance built by {@code configure} from a builder already given its bus, group and a short drain
     * timeout; the function also receives the instance's liveness to pass to its handlers.
     */
    Instance start(BiFunction<Switchboard.Builder, BooleanSupplier, Switchboard.Builder> configure) {
        EventBus bus = newBus();
        String name = "instance-" + (++started);
        Instance[] self = new Instance[1];
        BooleanSupplier alive = () -> self[0] == null || self[0].alive;
        Switchboard sb = configure.apply(Switchboard.builder().bus(bus).group(group)
                .drainTimeout(Duration.ofSeconds(2)), alive).build().start();
        Instance instance = new Instance(name, bus, sb);
        self[0] = instance;
        synchronized (all) {
            all.add(instance);
        }
        return instance;
    }

    /** Kills {@code instance}: its bus stops as a crashed process would, its handlers record nothing more. */
    void crash(Instance instance) {
        // the bus first: whatever the handlers record until they see the flag is not committed, so it is handled
        // again elsewhere (a duplicate, as after a real crash); the other way round, work finished in between would
        // be acknowledged without being recorded
        KafkaCrash.crash(instance.bus);
        instance.alive = false;
        instance.switchboard.close(); // releases the runtime's threads; its bus is gone, so nothing is acknowledged
    }

    @Override
    public void close() {
        synchronized (all) {
            for (Instance i : all) {
                i.switchboard.close();
                i.bus.close();
            }
        }
        publishers.forEach(EventBus::close);
    }
}
