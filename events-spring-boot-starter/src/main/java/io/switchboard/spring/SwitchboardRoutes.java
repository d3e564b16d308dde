package io.switchboard.spring;

import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventBus;
import io.switchboard.api.EventSource;
import io.switchboard.api.Sink;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import io.switchboard.core.config.ConfigurationProblems;
import io.switchboard.spi.EventBusProvider;
import io.switchboard.spi.EventSourceProvider;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Everything the application context declares for its Switchboard, ready to apply to a {@link Switchboard.Builder}:
 * the {@code switchboard.*} properties and {@code switchboard.config-file} (read by the configuration-file loader),
 * every handler bound by name, and {@link Trigger}, {@link EventSource}, {@link EventBus} and provider beans.
 *
 * <p>The starter builds its runtime from it; a test can hand the same routes to the {@code events-test} harness
 * ({@code harness.configure(routes)}) to run them on in-memory buses with a manual clock. Immutable; {@link #accept}
 * may be called for any number of builders.
 */
public final class SwitchboardRoutes implements Consumer<Switchboard.Builder> {

    private final List<Consumer<Switchboard.Builder>> steps;
    private final HandlerRegistry handlers;
    private final PropertiesModel model;

    private SwitchboardRoutes(List<Consumer<Switchboard.Builder>> steps, HandlerRegistry handlers,
                              PropertiesModel model) {
        this.steps = List.copyOf(steps);
        this.handlers = handlers;
        this.model = model;
    }

    /**
     * Applies the routes to {@code builder}: settings, providers, buses, handlers, sources, triggers and the
     * configuration model. Mistakes in the model surface at {@code builder.build()}; see {@link #explain}.
     */
    @Override
    public void accept(Switchboard.Builder builder) {
        Objects.requireNonNull(builder, "builder");
        steps.forEach(step -> step.accept(builder));
    }

    /** The names of the handlers found in the application context, sorted. */
    public Set<String> handlerNames() {
        return handlers.names();
    }

    /**
     * The problems {@code builder.build()} reported, told in the application's terms: a problem in the properties
     * names its {@code switchboard.*} property instead of a line of their rendered text, and a handler no bean
     * provides lists the handlers the context has and how to add one.
     */
    public ConfigurationException explain(ConfigurationException problems) {
        if (!(problems instanceof ConfigurationProblems located)) {
            return problems;
        }
        List<ConfigurationProblems.Problem> out = new ArrayList<>();
        for (ConfigurationProblems.Problem p : located.problems()) {
            String message = p.message();
            String fix = p.fix();
            if (message.startsWith("no handler named '")) {
                String name = message.substring("no handler named '".length(), message.indexOf('\'',
                        "no handler named '".length()));
                int guess = fix.indexOf("did you mean '");
                fix = (guess >= 0 ? fix.substring(guess) + " Otherwise a" : "A") + "dd a bean method annotated"
                        + " @SwitchboardHandler(\"" + name + "\") or a handler bean named '" + name + "'; "
                        + handlers.describeAll();
            }
            if (PropertiesModel.SOURCE_NAME.equals(p.file()) && model != null) {
                out.add(new ConfigurationProblems.Problem(null, 0, 0, model.propertyAt(p.line()) + ": " + message,
                        fix));
            } else {
                out.add(new ConfigurationProblems.Problem(p.file(), p.line(), p.column(), message, fix));
            }
        }
        ConfigurationProblems explained = new ConfigurationProblems(out);
        explained.initCause(problems);
        return explained;
    }

    /** What the routes are assembled from; everything is read once, in {@link #assemble}. */
    record Parts(SwitchboardProperties properties, Function<String, String> environment, HandlerRegistry handlers,
                 BusDefaults busDefaults, Map<String, EventBus> busBeans, String primaryBus,
                 List<EventSource> sourceBeans, List<Trigger> triggerBeans, List<EventBusProvider> busProviders,
                 List<EventSourceProvider> sourceProviders, List<UnaryOperator<EventBus>> busDecorators,
                 ConfigFile configFile) {
    }

    /** Assembles the routes. */
    static SwitchboardRoutes assemble(Parts parts) {
        SwitchboardProperties props = parts.properties();
        List<Consumer<Switchboard.Builder>> steps = new ArrayList<>();

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
        Function<String, String> environment = parts.environment();
        steps.add(b -> b.environment(environment));
        for (EventBusProvider p : parts.busProviders()) {
            steps.add(b -> b.provider(p));
        }
        for (EventSourceProvider p : parts.sourceProviders()) {
            steps.add(b -> b.provider(p));
        }

        // buses given as beans (decorated, e.g. traced); one @Primary (or the only one) is the default bus
        for (Map.Entry<String, EventBus> e : parts.busBeans().entrySet()) {
            String name = e.getKey().equals(parts.primaryBus()) ? Switchboard.DEFAULT_BUS : e.getKey();
            EventBus bus = e.getValue();
            for (UnaryOperator<EventBus> decorator : parts.busDecorators()) {
                bus = decorator.apply(bus);
            }
            EventBus decorated = bus;
            steps.add(b -> b.bus(name, decorated));
        }

        // the default bus from Spring Boot's broker properties, when nothing else declares one
        Map<String, Object> cluster = props.getClusterEventBus();
        boolean defaultDeclared = !cluster.isEmpty() || parts.primaryBus() != null
                || (parts.configFile() != null && parts.configFile().declaresClusterEventBus());
        if (!defaultDeclared) {
            BusDefaults.Inferred inferred = parts.busDefaults().inferDefaultBus();
            if (inferred != null) {
                steps.add(b -> b.bus(Switchboard.DEFAULT_BUS, inferred.type(), inferred.config()));
            }
        }

        HandlerRegistry handlers = parts.handlers();
        for (String name : handlers.names()) {
            Sink sink = handlers.find(name).sink().get();
            steps.add(b -> b.handler(name, sink));
        }
        for (EventSource source : parts.sourceBeans()) {
            steps.add(b -> b.source(source));
        }
        for (Trigger trigger : parts.triggerBeans()) {
            steps.add(b -> b.trigger(trigger));
        }

        Map<String, Object> roots = new LinkedHashMap<>();
        roots.put("clusterEventBus", parts.busDefaults().withBrokerAddresses(cluster));
        Map<String, Object> namedBuses = new LinkedHashMap<>();
        props.getEventBuses().forEach((ns, bus) -> namedBuses.put(ns, bus instanceof Map<?, ?> m
                ? parts.busDefaults().withBrokerAddresses(cast(m)) : bus));
        roots.put("eventBuses", namedBuses);
        roots.put("eventSources", props.getEventSources());
        roots.put("triggers", props.getTriggers());
        roots.put("data", props.getData().model());
        roots.put("schemas", props.getSchemas());
        PropertiesModel model = PropertiesModel.of(roots);
        if (!model.isEmpty()) {
            String text = model.text();
            steps.add(b -> b.configuration(new StringReader(text), PropertiesModel.SOURCE_NAME));
        }
        if (parts.configFile() != null) {
            ConfigFile file = parts.configFile();
            steps.add(b -> b.configuration(new StringReader(file.text()), file.location(), file.base()));
        }
        return new SwitchboardRoutes(steps, handlers, model);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
