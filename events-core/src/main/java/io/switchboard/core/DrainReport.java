package io.switchboard.core;

import java.time.Duration;
import java.util.Map;

/**
 * What {@link Switchboard#shutdown()} could and could not finish.
 *
 * @param complete      whether every accepted event and firing finished before the drain timeout
 * @param waited        how long the drain took
 * @param undrained     firings still queued or in delivery at the deadline, by {@code trigger/subscriber}
 *                      (only subscribers with some left)
 * @param busUndelivered events still buffered in in-memory buses the runtime consumed, not yet handed to it
 */
public record DrainReport(boolean complete, Duration waited, Map<String, Long> undrained, long busUndelivered) {

    public DrainReport {
        undrained = Map.copyOf(undrained);
    }

    @Override
    public String toString() {
        if (complete) {
            return "drained everything in " + waited.toMillis() + " ms";
        }
        return "not drained after " + waited.toMillis() + " ms: " + busUndelivered + " event(s) still on in-memory"
                + " buses, firings left per subscriber " + undrained;
    }
}
