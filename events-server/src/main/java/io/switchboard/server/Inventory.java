package io.switchboard.server;

import io.switchboard.api.EventBus;
import io.switchboard.api.EventSource;
import io.switchboard.core.Switchboard;
import io.switchboard.spi.EventBusProvider;
import io.switchboard.spi.EventSourceProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * What the providers created while a configuration was built: each source with its type and settings (and the
 * instance, so that an HTTP source's bound address can be shown), each bus with its type and settings. The runtime
 * keeps only names; the banner wants to say where each part listens or connects.
 *
 * <p>It registers, for every provider {@link ServiceLoader} finds, a recording provider of the same type that hands
 * the call on unchanged, so the parts are exactly the ones the providers would have made.
 */
final class Inventory {

    /** A source a provider created. */
    record ProvidedSource(String name, String type, Map<String, String> config, EventSource source) {
    }

    /** A bus a provider created, in creation order (the order buses are declared in). */
    record ProvidedBus(String type, Map<String, String> config, EventBus bus) {
    }

    private final List<ProvidedSource> sources = new ArrayList<>();
    private final List<ProvidedBus> buses = new ArrayList<>();

    /** Registers recording providers for every bus and source type on the class path. */
    void recordInto(Switchboard.Builder builder, ClassLoader loader) {
        for (EventSourceProvider p : ServiceLoader.load(EventSourceProvider.class, loader)) {
            builder.provider(new EventSourceProvider() {
                @Override
                public String type() {
                    return p.type();
                }

                @Override
                public EventSource create(String name, Map<String, String> config) {
                    EventSource source = p.create(name, config);
                    synchronized (sources) {
                        sources.add(new ProvidedSource(name, p.type(), Map.copyOf(config), source));
                    }
                    return source;
                }
            });
        }
        for (EventBusProvider p : ServiceLoader.load(EventBusProvider.class, loader)) {
            builder.provider(new EventBusProvider() {
                @Override
                public String type() {
                    return p.type();
                }

                @Override
                public EventBus create(Map<String, String> config) {
                    EventBus bus = p.create(config);
                    synchronized (buses) {
                        buses.add(new ProvidedBus(p.type(), Map.copyOf(config), bus));
                    }
                    return bus;
                }
            });
        }
    }

    List<ProvidedSource> sources() {
        synchronized (sources) {
            return List.copyOf(sources);
        }
    }

    List<ProvidedBus> buses() {
        synchronized (buses) {
            return List.copyOf(buses);
        }
    }
}
