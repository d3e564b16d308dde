package io.switchboard.core.scaleout;

import io.switchboard.api.EventSource;
import io.switchboard.api.SourceContext;

/** A source the test drives through {@code Switchboard.publish(source, event)}; emits nothing by itself. */
record NamedSource(String name, boolean identicalAcrossInstances) implements EventSource {

    NamedSource(String name) {
        this(name, false);
    }

    @Override
    public void start(SourceContext context) {
    }

    @Override
    public void close() {
    }
}
