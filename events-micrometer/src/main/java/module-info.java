/**
 * Micrometer meters for a Switchboard runtime: {@link io.switchboard.micrometer.SwitchboardMetrics}.
 */
module io.switchboard.micrometer {
    requires transitive io.switchboard.core;
    requires transitive micrometer.core;

    exports io.switchboard.micrometer;
}
