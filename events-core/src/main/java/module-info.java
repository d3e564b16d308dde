/**
 * The Switchboard runtime: routing and dispatch, the in-memory bus, and the cron, timer and HTTP sources. Filters
 * are CESQL, evaluated by {@code io.switchboard.cesql} (module {@code events-cesql}), which users of the runtime read
 * too.
 */
module io.switchboard.core {
    requires transitive io.switchboard.api;
    requires transitive io.switchboard.cesql;
    requires transitive io.cloudevents.core;
    requires io.cloudevents.formats.jackson;
    requires io.cloudevents.http.basic;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires com.cronutils;
    requires org.snakeyaml.engine;
    requires com.networknt.schema;
    requires jdk.httpserver;
    requires java.net.http; // HTTP source: async-function callbacks; HTTP sinks

    exports io.switchboard.core;
    exports io.switchboard.core.bus;
    exports io.switchboard.core.config;
    opens io.switchboard.core.config; // switchboard.schema.json, for editors and tools that read it from the module
    exports io.switchboard.core.time;
    exports io.switchboard.core.source.cron;
    exports io.switchboard.core.source.http;

    uses io.switchboard.spi.EventBusProvider;
    uses io.switchboard.spi.EventSourceProvider;

    provides io.switchboard.spi.EventBusProvider with io.switchboard.core.bus.InMemoryEventBusProvider;
    provides io.switchboard.spi.EventSourceProvider with
            io.switchboard.core.source.cron.CronSourceProvider,
            io.switchboard.core.source.cron.TimerSourceProvider,
            io.switchboard.core.source.http.HttpSourceProvider;
}
