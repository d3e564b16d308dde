package io.switchboard.core.internal.delivery;

import io.switchboard.api.Firing;

import java.util.List;

/**
 * What one run of attempts sends: the firing the sink receives, and the firings it stands for (one for an unbatched
 * subscriber, the constituents of a batch) — counters count those, and dead letters are made from their events.
 */
record Outgoing(Firing firing, List<Firing> constituents) {

    static Outgoing of(Firing firing) {
        return new Outgoing(firing, List.of(firing));
    }
}
