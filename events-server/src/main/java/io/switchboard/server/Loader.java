package io.switchboard.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.Sink;
import io.switchboard.core.Switchboard;
import io.switchboard.core.config.ConfigurationProblems;
import io.switchboard.micrometer.SwitchboardMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.stream.Collectors;

/** Builds the runtime a configuration file declares, with the router's meters, catalog and built-in handlers. */
final class Loader {

    /** The handler a file can name ({@code sink: {handler: log}}) to log each event it receives. */
    static final String LOG_HANDLER = "log";

    private static final Logger events = LoggerFactory.getLogger("io.switchboard.server.events");

    /** The {@value #LOG_HANDLER} handler: one INFO line per event, for trying routes out and for dead letters. */
    static final Sink LOG_SINK = Sink.handler(e -> events.info("{} {} from {}{}", e.getId(), e.getType(),
            e.getSource(), e.getSubject() == null ? "" : " subject " + e.getSubject()));

    private Loader() {
    }

    /**
     * Reads and checks the file and builds the runtime (not started).
     *
     * @throws ConfigurationException        with every problem of the file
     * @throws java.io.UncheckedIOException  if the file cannot be read
     */
    static Switchboard load(ServerOptions options, Inventory inventory, TriggerCatalog catalog,
                            MeterRegistry registry) {
        Switchboard.Builder builder = Switchboard.builder();
        inventory.recordInto(builder, Loader.class.getClassLoader());
        return builder
                .configuration(options.configuration())
                .handler(LOG_HANDLER, LOG_SINK)
                .drainTimeout(options.drainTimeout())
                .observer(catalog)
                .observer(SwitchboardMetrics.observer(registry))
                .build();
    }

    /** Every problem on its own line, {@code file:line:column: what; how to fix it} where the file says where. */
    static String describeProblems(ConfigurationException e) {
        if (e instanceof ConfigurationProblems problems) {
            return problems.problems().stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
        }
        return "  " + e.getMessage().replace("\n", "\n  ");
    }
}
