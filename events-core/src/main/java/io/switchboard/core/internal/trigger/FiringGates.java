package io.switchboard.core.internal.trigger;

import io.cloudevents.CloudEvent;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.Scheduler;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.internal.SubscriberCounters;

import java.util.Map;

/** Creates the {@link FiringGate} for a subscriber from its condition. */
public final class FiringGates {

    private FiringGates() {
    }

    /**
     * Validates the subscriber's condition against the trigger's inputs and creates its gate.
     *
     * @throws ConfigurationException if the condition is malformed or names an unknown input (the message lists the
     *                                known inputs)
     */
    public static FiringGate create(Trigger trigger, Subscriber subscriber, Scheduler scheduler,
                                    SubscriberCounters counters) {
        String condition = subscriber.condition();
        if (condition == null && trigger.inputs().size() == 1) {
            String only = trigger.inputs().keySet().iterator().next();
            return (input, event) -> only.equals(input) ? Map.of(input, event) : null;
        }
        if (condition != null && trigger.inputs().containsKey(condition.trim())) {
            String name = condition.trim();
            return (input, event) -> name.equals(input) ? Map.<String, CloudEvent>of(input, event) : null;
        }
        throw new ConfigurationException("subscriber '" + subscriber.name() + "' of trigger '" + trigger.name()
                + "': condition '" + condition + "' is not supported yet; known inputs: " + trigger.inputs().keySet());
    }
}
