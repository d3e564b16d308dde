package io.switchboard.spring;

import io.switchboard.api.ConfigurationException;
import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.EventBus;
import io.switchboard.api.EventSource;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import io.switchboard.spi.EventBusProvider;
import io.switchboard.spi.EventSourceProvider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Everything the application context declares for its Switchboard, checked and ready to apply to a
 * {@link Switchboard.Builder}: the {@code switchboard.*} properties (and {@code switchboard.config-file}), handlers
 * bound by name, and {@link Trigger}, {@link EventSource}, {@link EventBus} and provider beans.
 *
 * <p>The starter builds its runtime from it; a test can hand the same routes to the {@code events-test} harness
 * ({@code SwitchboardExtension.configure(routes)}) to run them on in-memory buses with a manual clock. Immutable;
 * {@link #accept} may be called for any number of builders.
 */
public final class SwitchboardRoutes implements Consumer<Switchboard.Builder> {

    private final List<Consumer<Switchboard.Builder>> steps;
    private final Set<String> handlerNames;
    private final List<String> triggerNames;

    private SwitchboardRoutes(List<Consumer<Switchboard.Builder>> steps, Set<String> handlerNames,
                              List<String> triggerNames) {
        this.steps = List.copyOf(steps);
        this.handlerNames = Set.copyOf(handlerNames);
        this.triggerNames = List.copyOf(triggerNames);
    }

    /** Applies the routes to {@code builder}: buses, providers, sources and triggers, with handlers bound. */
    @Override
    public void accept(Switchboard.Builder builder) {
        Objects.requireNonNull(builder, "builder");
        steps.forEach(step -> step.accept(builder));
    }

    /** The names of the handlers found in the application context. */
    public Set<String> handlerNames() {
        return handlerNames;
    }

    /** The names of the triggers these routes install, properties first, then trigger beans. */
    public List<String> triggerNames() {
        return triggerNames;
    }

    /** What the routes are assembled from; everything is read once, in {@link #assemble}. */
    record Parts(SwitchboardProperties properties, HandlerRegistry handlers, BusDefaults busDefaults,
                 Map<String, EventBus> busBeans, String primaryBus, List<EventSource> sourceBeans,
                 List<Trigger> triggerBeans, List<EventBusProvider> busProviders,
                 List<EventSourceProvider> sourceProviders, List<UnaryOperator<EventBus>> busDecorators,
                 List<Consumer<Switchboard.Builder>> fileConfigurations) {
    }

    /**
     * Checks and assembles the routes.
     *
     * @throws ConfigurationException listing every problem: subscribers naming a handler no bean provides (with the
     *                                handlers there are), subscribers with both or neither of handler and topic, bus
     *                                types that cannot be inferred
     */
    static SwitchboardRoutes assemble(Parts parts) {
        SwitchboardProperties props = parts.properties();
        List<String> errors = new ArrayList<>();
        List<Consumer<Switchboard.Builder>> steps = new ArrayList<>();
        List<String> triggerNames = new ArrayList<>();

        if (props.getGroup() != null) {
            String group = props.getGroup();
            steps.add(b -> b.group(group));
        }
        if (props.getDrainTimeout() != null) {
            var timeout = props.getDrainTimeout();
            steps.add(b -> b.drainTimeout(timeout));
        }
        if (props.getReparkHeldAfter() != null) {
            var age = props.getReparkHeldAfter();
            steps.add(b -> b.reparkHeldAfter(age));
        }
        for (EventBusProvider p : parts.busProviders()) {
            steps.add(b -> b.provider(p));
        }
        for (EventSourceProvider p : parts.sourceProviders()) {
            steps.add(b -> b.provider(p));
        }

        // buses: properties by type, then bean instances (decorated, e.g. traced)
        Map<String, SwitchboardProperties.Bus> declared = new LinkedHashMap<>(props.getBuses());
        if (!declared.containsKey(Switchboard.DEFAULT_BUS) && parts.primaryBus() == null) {
            SwitchboardProperties.Bus inferred = parts.busDefaults().inferDefaultBus();
            if (inferred != null) {
                declared.put(Switchboard.DEFAULT_BUS, inferred);
            }
        }
        for (Map.Entry<String, SwitchboardProperties.Bus> e : declared.entrySet()) {
            String name = e.getKey();
            String type = e.getValue().getType();
            if (type == null || type.isBlank()) {
                type = parts.busDefaults().inferType(name, e.getValue().getConfig(), errors);
                if (type == null) {
                    continue;
                }
            }
            Map<String, String> config = parts.busDefaults().complete(type, e.getValue().getConfig());
            String busType = type;
            steps.add(b -> b.bus(name, busType, config));
        }
        for (Map.Entry<String, EventBus> e : parts.busBeans().entrySet()) {
            String name = e.getKey().equals(parts.primaryBus()) ? Switchboard.DEFAULT_BUS : e.getKey();
            if (declared.containsKey(name)) {
                errors.add("bus '" + name + "' is declared twice: by switchboard.buses." + name + " and by the EventBus"
                        + " bean '" + e.getKey() + "'; remove one");
                continue;
            }
            EventBus bus = e.getValue();
            for (UnaryOperator<EventBus> decorator : parts.busDecorators()) {
                bus = decorator.apply(bus);
            }
            EventBus decorated = bus;
            steps.add(b -> b.bus(name, decorated));
        }

        for (Map.Entry<String, SwitchboardProperties.Source> e : props.getSources().entrySet()) {
            String name = e.getKey();
            SwitchboardProperties.Source source = e.getValue();
            if (source.getType() == null || source.getType().isBlank()) {
                errors.add("source '" + name + "' has no type: set switchboard.sources." + name + ".type (timer, cron,"
                        + " http, or the type of a broker module's source)");
                continue;
            }
            Map<String, String> config = Map.copyOf(source.getConfig());
            steps.add(b -> b.source(name, source.getType(), config));
        }
        for (EventSource source : parts.sourceBeans()) {
            steps.add(b -> b.source(source));
        }

        parts.fileConfigurations().forEach(steps::add);

        for (Map.Entry<String, SwitchboardProperties.Trigger> e : props.getTriggers().entrySet()) {
            Trigger trigger = trigger(e.getKey(), e.getValue(), parts.handlers(), errors);
            if (trigger != null) {
                triggerNames.add(trigger.name());
                steps.add(b -> b.trigger(trigger));
            }
        }
        for (Trigger trigger : parts.triggerBeans()) {
            triggerNames.add(trigger.name());
            steps.add(b -> b.trigger(trigger));
        }

        if (!errors.isEmpty()) {
            throw new ConfigurationException(errors.size() == 1 ? errors.get(0)
                    : errors.size() + " problems in the Switchboard configuration:\n  - "
                    + String.join("\n  - ", errors));
        }
        return new SwitchboardRoutes(steps, parts.handlers().names(), triggerNames);
    }

    private static Trigger trigger(String name, SwitchboardProperties.Trigger t, HandlerRegistry handlers,
                                   List<String> errors) {
        String prefix = "switchboard.triggers." + name;
        int before = errors.size();
        Trigger.Builder b = Trigger.builder(name);
        if (t.getBus() != null) {
            b.bus(t.getBus());
        }
        if (t.getInputs().isEmpty()) {
            errors.add("trigger '" + name + "' has no inputs: add one under " + prefix + ".inputs.<name>.filter"
                    + " (and .source for a source's topic)");
        }
        for (Map.Entry<String, SwitchboardProperties.Input> in : t.getInputs().entrySet()) {
            SwitchboardProperties.Input input = in.getValue();
            try {
                if (input.getSource() != null) {
                    b.input(in.getKey(), input.getSource(), input.getFilter());
                } else {
                    b.input(in.getKey(), input.getFilter());
                }
            } catch (RuntimeException invalid) {
                errors.add(prefix + ".inputs." + in.getKey() + ": " + invalid.getMessage());
            }
        }
        if (t.getSubscribers().isEmpty()) {
            errors.add("trigger '" + name + "' has no subscribers: add one under " + prefix
                    + ".subscribers.<name>.handler");
        }
        for (Map.Entry<String, SwitchboardProperties.Subscriber> s : t.getSubscribers().entrySet()) {
            try {
                Subscriber subscriber = subscriber(name, s.getKey(), s.getValue(), handlers, errors);
                if (subscriber != null) {
                    b.subscriber(subscriber);
                }
            } catch (RuntimeException invalid) {
                errors.add(prefix + ".subscribers." + s.getKey() + ": " + invalid.getMessage());
            }
        }
        if (errors.size() > before) {
            return null;
        }
        try {
            return b.build();
        } catch (RuntimeException invalid) {
            errors.add(prefix + ": " + invalid.getMessage());
            return null;
        }
    }

    private static Subscriber subscriber(String trigger, String name, SwitchboardProperties.Subscriber s,
                                         HandlerRegistry handlers, List<String> errors) {
        String key = "switchboard.triggers." + trigger + ".subscribers." + name;
        Sink sink;
        if (s.getHandler() != null && s.getTopic() != null) {
            errors.add("subscriber '" + name + "' of trigger '" + trigger + "' has both a handler and a topic: set only "
                    + key + ".handler (call a handler) or " + key + ".topic (re-publish)");
            return null;
        } else if (s.getTopic() != null) {
            sink = Sink.topic(s.getTopic());
        } else if (s.getHandler() != null) {
            sink = handlerSink(s.getHandler(), "subscriber '" + name + "' of trigger '" + trigger + "' (" + key
                    + ".handler)", handlers, errors);
        } else {
            errors.add("subscriber '" + name + "' of trigger '" + trigger + "' has no sink: set " + key
                    + ".handler to a handler's name (" + handlers.names() + ") or " + key + ".topic");
            return null;
        }
        Sink deadLetter = s.getDeadLetter() == null ? null : handlerSink(s.getDeadLetter(), "the dead-letter sink of"
                + " subscriber '" + name + "' of trigger '" + trigger + "' (" + key + ".dead-letter)", handlers, errors);
        if (sink == null || (s.getDeadLetter() != null && deadLetter == null)) {
            return null;
        }
        Subscriber.Builder b = Subscriber.builder(name).condition(s.getCondition()).sink(sink);
        if (deadLetter != null) {
            b.deadLetter(deadLetter);
        }
        if (s.getCorrelateBy() != null) {
            b.correlateBy(s.getCorrelateBy());
        }
        if (s.getWithin() != null) {
            b.within(s.getWithin());
        }
        if (s.isInline()) {
            b.inline();
        }
        if (s.getOrderingKey() != null) {
            b.orderingKey(s.getOrderingKey());
        }
        if (s.getConcurrency() != null) {
            b.concurrency(s.getConcurrency());
        }
        if (s.getQueueCapacity() != null) {
            b.queueCapacity(s.getQueueCapacity());
        }
        if (s.getMaxAttempts() != null || s.getInitialBackoff() != null || s.getMaxBackoff() != null
                || s.getAttemptTimeout() != null) {
            DeliveryPolicy defaults = DeliveryPolicy.defaults();
            DeliveryPolicy.Builder policy = DeliveryPolicy.builder()
                    .maxAttempts(s.getMaxAttempts() != null ? s.getMaxAttempts() : defaults.maxAttempts())
                    .backoff(s.getInitialBackoff() != null ? s.getInitialBackoff() : defaults.initialBackoff(),
                            s.getMaxBackoff() != null ? s.getMaxBackoff() : defaults.maxBackoff(),
                            defaults.multiplier());
            if (s.getAttemptTimeout() != null) {
                policy.attemptTimeout(s.getAttemptTimeout());
            }
            b.deliveryPolicy(policy.build());
        }
        return b.build();
    }

    /** The sink of handler {@code name}, or {@code null} with an error naming both sides when no bean provides it. */
    static Sink handlerSink(String name, String usedBy, HandlerRegistry handlers, List<String> errors) {
        HandlerRegistry.Handler handler = handlers.find(name);
        if (handler == null) {
            errors.add(usedBy + " names handler '" + name + "', which no bean provides; " + handlers.describeAll()
                    + ". Add a bean method annotated @SwitchboardHandler(\"" + name + "\") or a handler bean named '"
                    + name + "', or correct the name");
            return null;
        }
        return handler.sink().get();
    }
}
