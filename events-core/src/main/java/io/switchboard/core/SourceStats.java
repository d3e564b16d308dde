package io.switchboard.core;

/**
 * A snapshot of one registered source's counters, since the runtime was built. Events the application publishes
 * itself (source {@code app}) are not counted here: their publish stage goes straight back to the caller.
 *
 * @param source   the source's name
 * @param emitted  events the source emitted that the bus accepted
 * @param rejected events the source emitted that the bus refused (back-pressure, closed runtime)
 */
public record SourceStats(String source, long emitted, long rejected) {
}
