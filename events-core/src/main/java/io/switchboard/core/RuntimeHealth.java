package io.switchboard.core;

import java.util.List;
import java.util.Map;

/**
 * Whether a runtime can take events, and if not, why: what a readiness probe reports (the HTTP source's
 * {@code /readyz} does; a Spring Boot {@code HealthIndicator} or a Kubernetes probe can read it the same way).
 *
 * @param ready    running, every bus connected, no subscriber queue at its bound, not draining
 * @param state    the lifecycle state
 * @param draining closing and still finishing accepted work (state {@code CLOSED}, drain not finished)
 * @param sources  each registered source's name to whether it runs (started with the runtime and not closed)
 * @param buses    each bus's name to whether it is connected (a bus implementing
 *                 {@link io.switchboard.spi.BusMetrics} answers itself; any other bus counts as connected while the
 *                 runtime is open)
 * @param problems one line per reason the runtime is not ready, each saying what to look at; empty when ready
 */
public record RuntimeHealth(boolean ready, RuntimeView.State state, boolean draining, Map<String, Boolean> sources,
                            Map<String, Boolean> buses, List<String> problems) {
    public RuntimeHealth {
        sources = Map.copyOf(sources);
        buses = Map.copyOf(buses);
        problems = List.copyOf(problems);
    }
}
