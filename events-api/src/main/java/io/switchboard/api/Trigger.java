package io.switchboard.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A named rule: {@link TriggerInput inputs} select events, {@link Subscriber subscribers} act when their condition
 * over those inputs holds. Immutable and thread-safe; build one with {@link #builder(String)}.
 *
 * <pre>{@code
 * Trigger orders = Trigger.builder("orders")
 *     .input("created", "type = 'order.created'")
 *     .input("paid", "payments", "type = 'payment.settled'")
 *     .subscriber(Subscriber.builder("ship").condition("created && paid").correlateBy("subject")
 *         .sink(Sink.firing(f -> ship(f.event("created"), f.event("paid")))).build())
 *     .build();
 * }</pre>
 */
public final class Trigger {

    private final String name;
    private final String bus;
    private final Map<String, TriggerInput> inputs;
    private final List<Subscriber> subscribers;

    private Trigger(Builder b) {
        this.name = b.name;
        this.bus = b.bus;
        this.inputs = Collections.unmodifiableMap(new LinkedHashMap<>(b.inputs));
        this.subscribers = List.copyOf(b.subscribers);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder pre-filled with this trigger's settings (for replacing it at runtime). */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.bus = bus;
        b.inputs.putAll(inputs);
        b.subscribers.addAll(subscribers);
        return b;
    }

    public String name() {
        return name;
    }

    /** The name of the bus (namespace) this trigger reads from, or {@code null} for the default bus. */
    public String bus() {
        return bus;
    }

    /** Inputs by name, in declaration order. */
    public Map<String, TriggerInput> inputs() {
        return inputs;
    }

    public List<Subscriber> subscribers() {
        return subscribers;
    }

    @Override
    public String toString() {
        return "Trigger[" + name + ", inputs=" + inputs.keySet() + ", subscribers="
                + subscribers.stream().map(Subscriber::name).toList() + "]";
    }

    /** Builds a {@link Trigger}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private String bus;
        private final Map<String, TriggerInput> inputs = new LinkedHashMap<>();
        private final List<Subscriber> subscribers = new ArrayList<>();

        private Builder(String name) {
            this.name = Names.check("trigger", name);
        }

        /** Read from the named bus (namespace) instead of the default bus. */
        public Builder bus(String bus) {
            this.bus = Names.check("bus", bus);
            return this;
        }

        /** Adds an input over events the application publishes itself; {@code filter} may be {@code null}. */
        public Builder input(String name, String filter) {
            return input(TriggerInput.of(name, filter));
        }

        /** Adds an input over the events of {@code source}; {@code filter} may be {@code null}. */
        public Builder input(String name, String source, String filter) {
            return input(TriggerInput.of(name, source, filter));
        }

        public Builder input(TriggerInput input) {
            Objects.requireNonNull(input, "input");
            if (inputs.putIfAbsent(input.name(), input) != null) {
                throw new ConfigurationException("trigger '" + name + "' already has an input named '" + input.name()
                        + "': give each input its own name");
            }
            return this;
        }

        /**
         * Requires the data of the events that pass input {@code input}'s filter to satisfy {@code schema}.
         *
         * @throws ConfigurationException if there is no such input yet, or it already has a schema
         */
        public Builder inputSchema(String input, JsonSchema schema) {
            Objects.requireNonNull(schema, "schema");
            TriggerInput declared = inputs.get(input);
            if (declared == null) {
                throw new ConfigurationException("trigger '" + name + "' has no input named '" + input + "' to attach"
                        + " a schema to: declare the input first; inputs: " + inputs.keySet());
            }
            if (declared.schema() != null) {
                throw new ConfigurationException("input '" + input + "' of trigger '" + name + "' already has a schema ("
                        + declared.schema() + "): set it once");
            }
            inputs.put(input, declared.withSchema(schema));
            return this;
        }

        public Builder subscriber(Subscriber subscriber) {
            Objects.requireNonNull(subscriber, "subscriber");
            for (Subscriber s : subscribers) {
                if (s.name().equals(subscriber.name())) {
                    throw new ConfigurationException("trigger '" + name + "' already has a subscriber named '"
                            + subscriber.name() + "': give each subscriber its own name");
                }
            }
            subscribers.add(subscriber);
            return this;
        }

        /** Shorthand: a subscriber with default delivery, the given condition ({@code null}: all inputs) and sink. */
        public Builder subscriber(String name, String condition, Sink sink) {
            return subscriber(Subscriber.builder(name).condition(condition).sink(sink).build());
        }

        /**
         * Builds the trigger. Conditions and filters are checked against the language when the runtime is built.
         *
         * @throws ConfigurationException if the trigger has no input or no subscriber
         */
        public Trigger build() {
            if (inputs.isEmpty()) {
                throw new ConfigurationException("trigger '" + name + "' has no input: add one with input(name, filter)");
            }
            if (subscribers.isEmpty()) {
                throw new ConfigurationException("trigger '" + name + "' has no subscriber: add one with subscriber(...)");
            }
            return new Trigger(this);
        }
    }
}
