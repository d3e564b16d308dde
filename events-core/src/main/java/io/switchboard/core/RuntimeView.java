package io.switchboard.core;

import io.switchboard.api.SubscriberStats;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * An operator's view of a running {@link Switchboard}: what is configured and how each subscriber is doing.
 * Thread-safe; every call reads live state (counters are sums of concurrent counters, so a snapshot may be a few
 * events behind).
 */
public interface RuntimeView {

    /** The lifecycle state of a Switchboard. */
    enum State {
        /** Built, not started: nothing is consumed yet. */
        NEW,
        /** Started: sources run, buses are consumed. */
        RUNNING,
        /** Closed (or closing). */
        CLOSED
    }

    State state();

    /** The names of the live triggers, in installation order. */
    List<String> triggers();

    /** The registered sources' names (without the implicit {@code app}). */
    List<String> sources();

    /** Bus names (the default bus is {@value Switchboard#DEFAULT_BUS}) to their {@code type()}. */
    Map<String, String> buses();

    /** The counters of every subscriber of every live trigger. */
    List<SubscriberStats> stats();

    /**
     * The counters of one subscriber.
     *
     * @throws IllegalArgumentException if there is no such live trigger or subscriber
     */
    SubscriberStats stats(String trigger, String subscriber);

    /** Messages a bus handed over as undecodable (or gave up on), which nothing could route; each was logged. */
    long poisoned();

    /**
     * Copies of events from sources {@linkplain io.switchboard.api.EventSource#identicalAcrossInstances() identical
     * across instances} (ticks) that another instance had emitted too and this one had handled already: acknowledged
     * and skipped.
     */
    default long skippedCopies() {
        return 0;
    }

    /**
     * Events that correlated subscribers of this instance hold right now, waiting for their partners (on a shared
     * durable bus each is also an unacknowledged message; see docs/scaling.md). Scans the held keys: for operators and
     * tests, not for every event.
     */
    default long heldEvents() {
        return 0;
    }
    /** How busy every subscriber of every live trigger is right now: queue, in-flight firings, correlation keys. */
    List<SubscriberLoad> loads();

    /**
     * How busy one subscriber is right now.
     *
     * @throws IllegalArgumentException if there is no such live trigger or subscriber
     */
    SubscriberLoad load(String trigger, String subscriber);

    /** What each registered source emitted (see {@link SourceStats}), in registration order. */
    List<SourceStats> sourceStats();

    /** The bus topics this runtime consumes (one consumer per bus and topic), by bus name. */
    Map<String, List<String>> consumedTopics();

    /** The consumer group this runtime consumes its bus topics as. */
    String group();

    /**
     * How far this runtime's consumer group is behind on {@code topic} of bus {@code bus}, if the bus can tell (it
     * implements {@link io.switchboard.spi.BusMetrics}); empty otherwise.
     *
     * @throws IllegalArgumentException if there is no such bus
     */
    OptionalLong consumerLag(String bus, String topic);

    /** Whether the runtime can take events and, if not, why. Cheap enough for every readiness probe. */
    RuntimeHealth health();
}
