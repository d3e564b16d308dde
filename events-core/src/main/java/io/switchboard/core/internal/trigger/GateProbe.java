package io.switchboard.core.internal.trigger;

/** Reads what a {@link FiringGate} holds, for the runtime view (no gate has to know about monitoring). */
public final class GateProbe {

    private GateProbe() {
    }

    /** Correlation keys holding events right now; 0 for a gate that holds nothing. */
    public static long keysHeld(FiringGate gate) {
        return gate instanceof CorrelatingGate correlating ? correlating.keysHeld() : 0;
    }
}
