package io.switchboard.core;

import io.cloudevents.CloudEvent;
import io.switchboard.api.BusCapability;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventBus;
import io.switchboard.api.Scheduler;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.api.TriggerInput;
import io.switchboard.cesql.CesqlException;
import io.switchboard.core.internal.SubscriberCounters;
import io.switchboard.core.internal.data.DataSupport;
import io.switchboard.core.internal.delivery.Rejections;
import io.switchboard.core.internal.delivery.DeliveryContext;
import io.switchboard.core.internal.delivery.DeliveryPipeline;
import io.switchboard.core.internal.delivery.DeliveryPipelines;
import io.switchboard.core.internal.dispatch.CorrelationHop;
import io.switchboard.core.internal.dispatch.Dispatcher.BusTopic;
import io.switchboard.core.internal.dispatch.Dispatcher.Registration;
import io.switchboard.core.internal.dispatch.FirstAttempt;
import io.switchboard.core.internal.dispatch.InputFilter;
import io.switchboard.core.internal.dispatch.Route;
import io.switchboard.core.internal.dispatch.SubscriberDispatch;
import io.switchboard.core.internal.http.HttpSinks;
import io.switchboard.core.internal.trigger.FiringGate;
import io.switchboard.core.internal.trigger.FiringGates;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Turns a {@link Trigger} into its dispatch parts: compiled filters, routes per bus topic, and per subscriber its
 * counters, firing gate (the trigger-semantics seam) and delivery pipeline. Checks everything first and reports every
 * problem of the trigger at once.
 *
 * <p>A correlated subscriber (stateful condition) on a bus shared durably by several instances
 * ({@link BusCapability#CONSUMER_GROUPS} and {@link BusCapability#DURABLE}) gets a {@link CorrelationHop}: its inputs
 * are re-keyed through its correlation topic so that all events of one key meet on one member, and its gate keeps the
 * bus acknowledgement of the events it holds (docs/scaling.md). That needs a bus with
 * {@link BusCapability#HELD_ACKNOWLEDGEMENT}, {@link BusCapability#ORDERED_PER_KEY} and keyed publish; otherwise the
 * subscriber is refused unless it {@code correlateLocally()}.
 */
final class TriggerAssembler {

    private final Map<String, EventBus> buses;
    private final Supplier<Set<String>> sources;
    private final Scheduler scheduler;
    private final Executor executor;
    private final String group;
    private final Duration reparkAfter;
    private final Observation observation;
    private final HttpSinks httpSinks;
    private final DataSupport data;

    /**
     * @param httpSinks turns HTTP sinks into handler sinks (one HTTP client per runtime)
     * @param data      data filters, schemas and the codec of typed sinks (see {@link DataSupport})
     */
    TriggerAssembler(Map<String, EventBus> buses, Supplier<Set<String>> sources, Scheduler scheduler,
                     Executor executor, String group, Duration reparkAfter,
                     Observation observation, HttpSinks httpSinks, DataSupport data) {
        this.data = data;
        this.buses = buses;
        this.sources = sources;
        this.scheduler = scheduler;
        this.executor = executor;
        this.group = group;
        this.reparkAfter = reparkAfter;
        this.observation = observation;
        this.httpSinks = httpSinks;
    }

    /**
     * Assembles {@code trigger}.
     *
     * @param problems where mistakes are added (one line each); when any is added, the result is {@code null}
     */
    Registration assemble(Trigger trigger, List<String> problems) {
        return assemble(trigger, problems, null);
    }

    /**
     * Assembles {@code trigger} as the replacement of {@code previous} (may be {@code null}): a subscriber of the same
     * name gets a gate that takes over the correlation state its predecessor holds.
     */
    Registration assemble(Trigger trigger, List<String> problems, Registration previous) {
        int before = problems.size();
        String busName = trigger.bus() == null ? Switchboard.DEFAULT_BUS : trigger.bus();
        if (!buses.containsKey(busName)) {
            problems.add("trigger '" + trigger.name() + "' reads bus '" + busName + "', which is not configured:"
                    + " declare it with Switchboard.builder().bus(\"" + busName + "\", ...) or remove bus(...) from the"
                    + " trigger to use the default bus; configured buses: " + new TreeSet<>(buses.keySet()));
        }
        Set<String> knownSources = sources.get();
        Map<String, InputFilter> filters = new LinkedHashMap<>();
        Map<String, Route.DataCheck> checks = new LinkedHashMap<>();
        for (TriggerInput input : trigger.inputs().values()) {
            if (!TriggerInput.APPLICATION.equals(input.source()) && !knownSources.contains(input.source())) {
                problems.add("trigger '" + trigger.name() + "' input '" + input.name() + "' reads source '"
                        + input.source() + "', which is not registered: register it with Switchboard.builder()"
                        + ".source(...), or read '" + TriggerInput.APPLICATION + "' for events passed to publish(event);"
                        + " registered sources: " + new TreeSet<>(knownSources));
            }
            try {
                filters.put(input.name(), Filters.compile(input.filter(), data.filters()));
            } catch (CesqlException e) {
                problems.add("trigger '" + trigger.name() + "' input '" + input.name() + "': filter \""
                        + input.filter() + "\" is not valid CESQL: " + e.getMessage()
                        + (data.filters().readsDataFields() || !e.getMessage().contains("dataFields") ? ""
                                : " (for this runtime: Switchboard.builder().dataFilters())")
                        + " — fix the expression (see docs/cesql.md)");
            }
            if (input.schema() != null) {
                try {
                    checks.put(input.name(), data.check(input.schema())::validate);
                } catch (IllegalArgumentException e) {
                    problems.add("trigger '" + trigger.name() + "' input '" + input.name() + "': " + e.getMessage());
                }
            }
        }
        for (Subscriber s : trigger.subscribers()) {
            checkSinkBus(trigger, s, "sink", s.sink(), problems);
            if (s.deadLetter() != null) {
                checkSinkBus(trigger, s, "dead-letter sink", s.deadLetter(), problems);
            }
        }
        if (problems.size() > before) {
            // conditions are checked too, so that one build reports every mistake of the trigger
            for (Subscriber s : trigger.subscribers()) {
                try {
                    FiringGate gate = FiringGates.create(trigger, s, scheduler, new SubscriberCounters());
                    gate.close();
                    EventBus bus = buses.get(busName);
                    if (bus != null && crossInstance(gate, s, bus)) {
                        String problem = crossInstanceProblem(trigger, s, busName, bus);
                        if (problem != null) {
                            problems.add(problem);
                        }
                    }
                } catch (ConfigurationException e) {
                    problems.add(e.getMessage());
                }
            }
            return null;
        }

        List<SubscriberDispatch> dispatches = new ArrayList<>();
        for (Subscriber declared : trigger.subscribers()) {
            // a typed sink is bound to its codec, and an HTTP sink becomes a handler sink, before observers wrap it,
            // so the pipeline retries them like any other handler
            Subscriber s = observation.observe(trigger, httpSinks.resolve(trigger, bindTypedSinks(declared),
                    (topic, reply) -> buses.get(busName).publish(topic, reply)));
            // a replacement counts on from its predecessor, as its gate takes over the held events: the counters stay
            // monotonic for operators (and for metrics built on them) across live reconfiguration
            SubscriberCounters counters = previousCounters(previous, s.name());
            FiringGate gate;
            try {
                gate = FiringGates.create(trigger, s, scheduler, counters, previousGate(previous, s.name()));
            } catch (ConfigurationException e) {
                problems.add(e.getMessage());
                continue;
            }
            CorrelationHop hop = null;
            EventBus bus = buses.get(busName);
            if (crossInstance(gate, s, bus)) {
                String problem = crossInstanceProblem(trigger, s, busName, bus);
                if (problem != null) {
                    problems.add(problem);
                    gate.close();
                    continue;
                }
                hop = new CorrelationHop(bus, busName, CorrelationHop.topicName(group, trigger.name(), s.name()),
                        s.correlateBy(), scheduler);
                gate.reparkAfter(reparkAfter, hop::repark);
            }
            Sink.Invoker direct = null;
            Subscriber piped = s;
            if (FirstAttempt.eligible(s)) {
                Sink.Invoke invoke = (Sink.Invoke) s.sink();
                direct = invoke.invoker();
                piped = s.toBuilder().sink(FirstAttempt.replaying(invoke)).build();
            }
            DeliveryPipeline pipeline = DeliveryPipelines.create(trigger, piped,
                    new DeliveryContext(scheduler, executor, counters, (sinkBus, topic, event) ->
                            buses.get(sinkBus == null ? busName : sinkBus).publish(topic, event)));
            SubscriberDispatch dispatch = SubscriberDispatch.create(trigger, s, gate, pipeline, counters, executor, direct);
            if (hop != null) {
                dispatch.rekeyThrough(hop);
            }
            if (!checks.isEmpty()) {
                dispatch.rejectInvalidDataThrough(new Rejections(trigger, s, new DeliveryContext(scheduler, executor,
                        counters, (sinkBus, topic, event) -> buses.get(sinkBus == null ? busName : sinkBus)
                                .publish(topic, event))));
            }
            observation.assembled(dispatch, s);
            dispatches.add(dispatch);
        }
        if (problems.size() > before) {
            for (SubscriberDispatch d : dispatches) {
                d.gate().close();
                d.pipeline().close();
            }
            return null;
        }
        SubscriberDispatch[] subscribers = dispatches.toArray(new SubscriberDispatch[0]);
        Map<BusTopic, List<Route>> routes = new LinkedHashMap<>();
        for (TriggerInput input : trigger.inputs().values()) {
            routes.computeIfAbsent(new BusTopic(busName, input.source()), k -> new ArrayList<>())
                    .add(new Route(trigger.name(), input.name(), filters.get(input.name()), subscribers,
                            checks.get(input.name())));
        }
        return new Registration(trigger.name(), routes, dispatches);
    }

    /** {@code s} with its typed sinks ({@link Sink.Typed}) bound to the runtime's codec; {@code s} itself if none. */
    private Subscriber bindTypedSinks(Subscriber s) {
        boolean sink = s.sink() instanceof Sink.Typed;
        boolean deadLetter = s.deadLetter() instanceof Sink.Typed;
        if (!sink && !deadLetter) {
            return s;
        }
        Subscriber.Builder b = s.toBuilder();
        if (sink) {
            b.sink(((Sink.Typed) s.sink()).bind(data.codec()));
        }
        if (deadLetter) {
            b.deadLetter(((Sink.Typed) s.deadLetter()).bind(data.codec()));
        }
        return b.build();
    }

    /** Whether the subscriber takes the cross-instance path: stateful, on a durably shared bus, not opted out. */
    private static boolean crossInstance(FiringGate gate, Subscriber s, EventBus bus) {
        Set<BusCapability> caps = bus.capabilities();
        return gate.correlates() && !s.correlatesLocally() && caps.contains(BusCapability.CONSUMER_GROUPS)
                && caps.contains(BusCapability.DURABLE);
    }

    /** Why the bus cannot carry the cross-instance path of {@code s}, or {@code null} if it can. */
    static String crossInstanceProblem(Trigger trigger, Subscriber s, String busName, EventBus bus) {
        List<String> missing = new ArrayList<>();
        Set<BusCapability> caps = bus.capabilities();
        if (!caps.contains(BusCapability.HELD_ACKNOWLEDGEMENT)) {
            missing.add("HELD_ACKNOWLEDGEMENT (keep a held event unacknowledged past its turn)");
        }
        if (!caps.contains(BusCapability.ORDERED_PER_KEY)) {
            missing.add("ORDERED_PER_KEY");
        }
        if (!keysExplicitly(bus)) {
            missing.add("publish(topic, event, partitionKey)");
        }
        if (missing.isEmpty()) {
            return null;
        }
        return "subscriber '" + s.name() + "' of trigger '" + trigger.name() + "' correlates events (condition '"
                + (s.condition() == null ? "all inputs" : s.condition()) + "') on bus '" + busName + "' (type "
                + bus.type() + "), which is durable and shared by consumer groups, but lacks " + String.join(", ", missing)
                + ": its instances could not bring the events of one correlation key together nor keep held events"
                + " as durable as the bus. Use a bus that has them (see docs/scaling.md), or, if only one instance"
                + " runs or every key's events already reach one instance, declare Subscriber.builder(\"" + s.name()
                + "\").correlateLocally()";
    }

    private static boolean keysExplicitly(EventBus bus) {
        try {
            return bus.getClass().getMethod("publish", String.class, CloudEvent.class, String.class)
                    .getDeclaringClass() != EventBus.class;
        } catch (NoSuchMethodException | SecurityException e) {
            return false;
        }
    }

    private static SubscriberCounters previousCounters(Registration previous, String subscriber) {
        if (previous != null) {
            for (SubscriberDispatch d : previous.subscribers()) {
                if (d.subscriber().equals(subscriber)) {
                    return d.counters();
                }
            }
        }
        return new SubscriberCounters();
    }

    private static FiringGate previousGate(Registration previous, String subscriber) {
        if (previous != null) {
            for (SubscriberDispatch d : previous.subscribers()) {
                if (d.subscriber().equals(subscriber)) {
                    return d.gate();
                }
            }
        }
        return null;
    }

    /** Assembles one trigger (replacing {@code previous}, may be {@code null}) or throws listing its problems. */
    Registration assembleOrThrow(Trigger trigger, Registration previous) {
        List<String> problems = new ArrayList<>();
        Registration r = assemble(trigger, problems, previous);
        if (r == null) {
            throw problems(problems);
        }
        return r;
    }

    static ConfigurationException problems(List<String> problems) {
        if (problems.size() == 1) {
            return new ConfigurationException(problems.get(0));
        }
        StringBuilder s = new StringBuilder(problems.size() + " configuration problems:");
        for (String p : problems) {
            s.append("\n  - ").append(p);
        }
        return new ConfigurationException(s.toString());
    }

    private void checkSinkBus(Trigger trigger, Subscriber s, String what, Sink sink, List<String> problems) {
        if (sink instanceof Sink.Topic topic && topic.bus() != null && !buses.containsKey(topic.bus())) {
            problems.add("subscriber '" + s.name() + "' of trigger '" + trigger.name() + "': " + what
                    + " publishes to bus '" + topic.bus() + "', which is not configured: declare it with"
                    + " Switchboard.builder().bus(\"" + topic.bus() + "\", ...); configured buses: "
                    + new TreeSet<>(buses.keySet()));
        }
    }
}
