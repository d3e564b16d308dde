/**
 * The standalone router: runs a configuration file (HTTP ingress, buses, triggers, HTTP sinks) as a process, with
 * a Prometheus {@code /metrics} and a {@code /health} endpoint. Start it with
 * {@code java -jar switchboard-server.jar switchboard.yaml}; see {@link io.switchboard.server.Main}.
 */
module io.switchboard.server {
    requires io.switchboard.core;
    requires io.switchboard.micrometer;
    requires micrometer.registry.prometheus;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires jdk.httpserver;
    requires jdk.unsupported; // sun.misc.Signal: SIGTERM handled, so that the exit status says how the drain went
    // every bus and source kind a file may name: their providers are found by ServiceLoader
    requires io.switchboard.kafka;
    requires io.switchboard.nats;
    requires io.switchboard.redis;

    exports io.switchboard.server;

    uses io.switchboard.spi.EventBusProvider;
    uses io.switchboard.spi.EventSourceProvider;
}
