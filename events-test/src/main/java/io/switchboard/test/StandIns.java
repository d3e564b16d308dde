package io.switchboard.test;

import io.switchboard.api.EventSource;
import io.switchboard.api.SourceContext;
import io.switchboard.spi.EventSourceProvider;

import java.util.Map;
import java.util.Objects;

/**
 * What a harness puts in place of production sources: inert sources (which emit only what a test emits as them) for
 * the source types it is told to replace. Registered as explicit providers, which win over the ones
 * {@link java.util.ServiceLoader} finds. (Buses are replaced through {@code Switchboard.Builder.replaceBuses}.)
 */
final class StandIns {

    private StandIns() {
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
