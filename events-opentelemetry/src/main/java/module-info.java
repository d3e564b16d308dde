/**
 * OpenTelemetry traces for Switchboard: {@link io.switchboard.opentelemetry.SwitchboardTracing}.
 */
module io.switchboard.opentelemetry {
    requires transitive io.switchboard.core;
    requires transitive io.opentelemetry.api;
    requires transitive io.opentelemetry.context;

    exports io.switchboard.opentelemetry;
}
