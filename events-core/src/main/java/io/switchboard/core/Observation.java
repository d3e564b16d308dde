package io.switchboard.core;

import io.switchboard.api.EventBus;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.internal.dispatch.Dispatcher.Registration;
import io.switchboard.core.internal.dispatch.Stages;
import io.switchboard.core.internal.dispatch.SubscriberDispatch;
import io.switchboard.core.internal.dispatch.TopicRouter;
import io.switchboard.core.internal.trigger.GateProbe;
import io.switchboard.spi.BusMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The runtime's side of monitoring, kept out of {@link Switchboard} and the dispatch code: applies the registered
 * {@link RuntimeObserver}s to subscribers as they are assembled, counts what sources emit, and computes the
 * {@link RuntimeView} figures that are not plain counters (loads, health, consumer lag). Thread-safe.
 */
final class Observation {

    private static final Logger log = LoggerFactory.getLogger(Observation.class);

    private final List<RuntimeObserver> observers;
    private final Map<String, SourceCounters> sources = new ConcurrentHashMap<>();
    /** Queue capacity per live asynchronous subscriber; weak, so retired dispatches are forgotten. */
    private final Map<SubscriberDispatch, Integer> capacities = Collections.synchronizedMap(new WeakHashMap<>());

    Observation(List<RuntimeObserver> observers) {
        this.observers = List.copyOf(observers);
    }

    /** Tells every observer the runtime exists. */
    void attached(RuntimeView view) {
        for (RuntimeObserver o : observers) {
            o.attached(view);
        }
    }

    /** {@code subscriber} with its handler sink as the observers wrap it; {@code subscriber} itself if none does. */
    Subscriber observe(Trigger trigger, Subscriber subscriber) {
        if (observers.isEmpty() || !(subscriber.sink() instanceof Sink.Invoke original)) {
            return subscriber;
        }
        Sink.Invoke sink = original;
        for (RuntimeObserver o : observers) {
            Sink.Invoke wrapped = o.observe(trigger, subscriber, sink);
            if (wrapped == null || wrapped.replies() != sink.replies()
                    || (sink.eventHandler() != null) != (wrapped.eventHandler() != null)) {
                throw new IllegalStateException("observer " + o + " returned " + wrapped + " for subscriber '"
                        + subscriber.name() + "' of trigger '" + trigger.name() + "': an observer must return the"
                        + " sink it was given or a wrapper with the same replies flag and an event handler exactly"
                        + " when the given sink has one");
            }
            sink = wrapped;
        }
        return sink == original ? subscriber : subscriber.toBuilder().sink(sink).build();
    }

    /** Remembers what the load view needs of a freshly assembled subscriber. */
    void assembled(SubscriberDispatch dispatch, Subscriber subscriber) {
        if (!subscriber.inline()) {
            capacities.put(dispatch, subscriber.queueCapacity());
        }
    }

    /** Counts a source's emit by the outcome of its publish stage; returns the stage unchanged. */
    CompletionStage<Void> emitted(String source, CompletionStage<Void> stage) {
        SourceCounters c = sources.computeIfAbsent(source, s -> new SourceCounters());
        if (Stages.completedNormally(stage)) {
            c.emitted.increment();
        } else {
            stage.whenComplete((v, failure) -> (failure == null ? c.emitted : c.rejected).increment());
        }
        return stage;
    }

    List<SourceStats> sourceStats(Collection<String> names) {
        List<SourceStats> all = new ArrayList<>();
        for (String name : names) {
            SourceCounters c = sources.get(name);
            all.add(c == null ? new SourceStats(name, 0, 0) : new SourceStats(name, c.emitted.sum(), c.rejected.sum()));
        }
        return all;
    }

    List<SubscriberLoad> loads(List<Registration> registrations) {
        List<SubscriberLoad> all = new ArrayList<>();
        for (Registration r : registrations) {
            for (SubscriberDispatch d : r.subscribers()) {
                all.add(load(d));
            }
        }
        return all;
    }

    SubscriberLoad load(SubscriberDispatch d) {
        Integer capacity = capacities.get(d);
        return new SubscriberLoad(d.trigger(), d.subscriber(), d.queueDepth(), capacity == null ? 0 : capacity,
                d.undrained(), GateProbe.keysHeld(d.gate()));
    }

    /** The bus topics the runtime consumes, by bus name. */
    static Map<String, List<String>> consumedTopics(Collection<TopicRouter> routers) {
        Map<String, List<String>> topics = new LinkedHashMap<>();
        for (TopicRouter router : routers) {
            topics.computeIfAbsent(router.bus(), b -> new ArrayList<>()).add(router.topic());
        }
        topics.replaceAll((bus, list) -> List.copyOf(list));
        return topics;
    }

    static OptionalLong consumerLag(EventBus bus, String topic, String group) {
        if (!(bus instanceof BusMetrics metrics)) {
            return OptionalLong.empty();
        }
        try {
            return metrics.consumerLag(topic, group);
        } catch (RuntimeException e) {
            log.debug("bus {} failed to report the consumer lag of topic '{}'", bus, topic, e);
            return OptionalLong.empty();
        }
    }

    static boolean connected(EventBus bus, boolean open) {
        if (!(bus instanceof BusMetrics metrics)) {
            return open;
        }
        try {
            return open && metrics.connected();
        } catch (RuntimeException e) {
            log.debug("bus {} failed to report its connection", bus, e);
            return false;
        }
    }

    RuntimeHealth health(RuntimeView.State state, boolean drained, Set<String> sourceNames, Map<String, EventBus> buses,
                         List<Registration> registrations) {
        List<String> problems = new ArrayList<>();
        boolean running = state == RuntimeView.State.RUNNING;
        boolean draining = state == RuntimeView.State.CLOSED && !drained;
        if (state == RuntimeView.State.NEW) {
            problems.add("not started: call Switchboard.start()");
        } else if (draining) {
            problems.add("closing: finishing accepted work before the drain timeout");
        } else if (!running) {
            problems.add("closed");
        }
        Map<String, Boolean> sources = new LinkedHashMap<>();
        for (String name : sourceNames) {
            sources.put(name, running);
        }
        Map<String, Boolean> connected = new LinkedHashMap<>();
        buses.forEach((name, bus) -> {
            boolean up = connected(bus, state != RuntimeView.State.CLOSED);
            connected.put(name, up);
            if (!up && state != RuntimeView.State.CLOSED) {
                problems.add("bus '" + name + "' (" + bus.type() + ") is not connected: check that its broker is"
                        + " reachable");
            }
        });
        for (Registration r : registrations) {
            for (SubscriberDispatch d : r.subscribers()) {
                SubscriberLoad load = load(d);
                if (load.queueCapacity() > 0 && load.queueDepth() >= load.queueCapacity()) {
                    problems.add("subscriber '" + d.subscriber() + "' of trigger '" + d.trigger() + "' has a full"
                            + " queue (" + load.queueDepth() + " of " + load.queueCapacity() + "): its handler is"
                            + " slower than events arrive");
                }
            }
        }
        return new RuntimeHealth(problems.isEmpty(), state, draining, sources, connected, problems);
    }

    private static final class SourceCounters {
        final LongAdder emitted = new LongAdder();
        final LongAdder rejected = new LongAdder();
    }
}
