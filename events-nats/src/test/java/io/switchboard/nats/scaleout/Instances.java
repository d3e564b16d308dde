package io.switchboard.nats.scaleout;

import io.switchboard.api.EventBus;
import io.switchboard.core.Switchboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Application instances of one test: each a {@link Switchboard} with its own bus client from {@code newBus}, all in
 * one group. A crash aborts the instance's bus like a killed process (through {@code crash}) and marks the instance
 * dead, so that its handlers record nothing from then on — a killed process handles nothing either.
 */
final class Instances implements AutoCloseable {

    /** One instance; its handlers check {@link #alive} before recording. */
    static final class Instance {
        final EventBus bus;
        final Switchboard switchboard;
        volatile boolean alive = true;

        Instance(EventBus bus, Switchboard switchboard) {
            this.bus = bus;
            this.switchboard = switchboard;
        }
    }

    private final Supplier<EventBus> newBus;
    private final Consumer<EventBus> crash;
    private final String group = "scale-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Instance> all = new ArrayList<>();
    private final List<EventBus> publishers = new ArrayList<>();

    Instances(Supplier<EventBus> newBus, Consumer<EventBus> crash) {
        this.newBus = newBus;
        this.crash = crash;
    }

    /** A bus client outside every instance, for publishing (never crashed). */
    EventBus publisher() {
        EventBus bus = newBus.get();
        publishers.add(bus);
        return bus;
    }

    /**
     * Starts an instance built by {@code configure} from a builder already given its bus, group and a short drain
     * timeout; the function also receives the instance's liveness to pass to its handlers.
     */
    Instance start(BiFunction<Switchboard.Builder, BooleanSupplier, Switchboard.Builder> configure) {
        EventBus bus = newBus.get();
        Instance[] self = new Instance[1];
        BooleanSupplier alive = () -> self[0] == null || self[0].alive;
        Switchboard sb = configure.apply(Switchboard.builder().bus(bus).group(group)
                .drainTimeout(Duration.ofSeconds(2)), alive).build().start();
        Instance instance = new Instance(bus, sb);
        self[0] = instance;
        synchronized (all) {
            all.add(instance);
        }
        return instance;
    }

    /** Kills {@code instance}: its bus stops as a crashed process would, its handlers record nothing more. */
    void crash(Instance instance) {
        // the bus first: what the handlers record until they see the flag is not acknowledged, so it is handled
        // again elsewhere (a duplicate, as after a real crash); the other way round, work finished in between would
        // be acknowledged without being recorded
        crash.accept(instance.bus);
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
