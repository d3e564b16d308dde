/**
 * The Switchboard runtime: routing and dispatch, the CESQL evaluator, the in-memory bus, and the cron,
 * timer and HTTP sources.
 */
module io.switchboard.core {
    requires transitive io.switchboard.api;
    requires transitive io.cloudevents.core;
    requires io.cloudevents.formats.jackson;
    requires io.cloudevents.http.basic;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires com.cronutils;
    requires jdk.httpserver;
    requires java.net.http; // HTTP source: async-function callbacks

    exports io.switchboard.core;
    exports io.switchboard.core.bus;
    exports io.switchboard.core.time;
    exports io.switchboard.core.source.cron;
    exports io.switchboard.core.source.http;
    exports io.switchboard.cesql;

    uses io.switchboard.spi.EventBusProvider;
    uses io.switchboard.spi.EventSourceProvider;

    provides io.switchboard.spi.EventBusProvider with io.switchboard.core.bus.InMemoryEventBusProvider;
    provides io.switchboard.spi.EventSourceProvider with
            io.switchboard.core.source.cron.CronSourceProvider,
            io.switchboard.core.source.cron.TimerSourceProvider,
            io.switchboard.core.source.http.HttpSourceProvider;
}
