package io.switchboard.test;

import io.switchboard.api.EventBus;
import io.switchboard.api.EventSource;
import io.switchboard.api.Scheduler;
import io.switchboard.api.SourceContext;
import io.switchboard.core.bus.InMemoryEventBus;
import io.switchboard.spi.EventBusProvider;
import io.switchboard.spi.EventSourceProvider;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What a harness puts in place of production parts: in-memory buses for every bus type, and inert sources (which
 * emit only what a test emits as them) for the source types it is told to replace. Registered as explicit providers,
 * which win over the ones {@link java.util.ServiceLoader} finds.
 */
final class StandIns {

    private StandIns() {
    }

    /** A provider answering to {@code type} with in-memory buses on the harness's clock and executor. */
    static EventBusProvider inMemoryBus(String type, Scheduler scheduler, Executor executor) {
        Objects.requireNonNull(type, "type");
        return new EventBusProvider() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public EventBus create(Map<String, String> config) {
                // the production settings (brokers, credentials) mean nothing to the stand-in and are ignored
                return InMemoryEventBus.builder().scheduler(scheduler).executor(executor).build();
            }

            @Override
            public String toString() {
                return "in-memory stand-in for bus type '" + type + "'";
            }
        };
    }

    /** A provider answering to {@code type} with sources that emit nothing by themselves. */
    static EventSourceProvider inertSource(String type) {
        Objects.requireNonNull(type, "type");
        return new EventSourceProvider() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public EventSource create(String name, Map<String, String> config) {
                return new InertSource(name, type);
            }
        };
    }

    /** Stands in for a production source: registered under its name, started and closed, emitting nothing itself. */
    record InertSource(String name, String replacedType) implements EventSource {
        @Override
        public void start(SourceContext context) {
            // nothing to start: tests emit as this source through the harness
        }

        @Override
        public void close() {
            // nothing to release
        }
    }
}
