/**
 * Micrometer meters for a Switchboard runtime. Start with {@link io.switchboard.micrometer.SwitchboardMetrics}; the
 * meters are listed in docs/observability.md.
 */
package io.switchboard.micrometer;
