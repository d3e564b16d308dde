package io.switchboard.core.internal.trigger;

import io.switchboard.api.ConfigurationException;
import io.switchboard.api.Scheduler;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.internal.SubscriberCounters;
import io.switchboard.core.internal.cron.CronSchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Creates the {@link FiringGate} for a subscriber from its condition. */
public final class FiringGates {

    private static final Logger log = LoggerFactory.getLogger(FiringGates.class);
    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-z0-9]+");

    private FiringGates() {
    }

    /**
     * Validates the subscriber's condition against the trigger's inputs and creates its gate: a stateless gate for an
     * {@code ||}-only condition, a correlating gate otherwise. {@code null} means all inputs joined with {@code &&}.
     * The gate counts {@code evicted} and {@code uncorrelated} in {@code counters}; the caller counts {@code fired}.
     *
     * @throws ConfigurationException if the condition is malformed (with the column), names an unknown input (the
     *                                message lists the known inputs), can never fire, or the correlation attribute or
     *                                reset schedule is invalid
     */
    public static FiringGate create(Trigger trigger, Subscriber subscriber, Scheduler scheduler,
                                    SubscriberCounters counters) {
        return create(trigger, subscriber, scheduler, counters, null);
    }

    /**
     * Like {@link #create(Trigger, Subscriber, Scheduler, SubscriberCounters)}, for a subscriber that replaces
     * {@code previous} at runtime: when both are stateful over the same inputs and correlation attribute, the new gate
     * shares the events {@code previous} holds, so keys that were half complete still fire after the replacement.
     * The caller closes {@code previous} once it no longer offers to it (closing stops only its timers).
     *
     * @param previous the gate being replaced, or {@code null}
     */
    public static FiringGate create(Trigger trigger, Subscriber subscriber, Scheduler scheduler,
                                    SubscriberCounters counters, FiringGate previous) {
        String owner = "subscriber '" + subscriber.name() + "' of trigger '" + trigger.name() + "'";
        List<String> known = new ArrayList<>(trigger.inputs().keySet());
        Condition condition = subscriber.condition() == null
                ? Condition.allOf(known, owner)
                : Condition.compile(subscriber.condition(), known, owner);
        if (condition.stateless()) {
            warnAboutUnusedOptions(owner, condition, subscriber);
            return new StatelessGate(condition);
        }
        AttributeReader correlation = null;
        if (subscriber.correlateBy() != null) {
            String attribute = subscriber.correlateBy();
            if (!ATTRIBUTE_NAME.matcher(attribute).matches()) {
                throw new ConfigurationException(owner + ": correlateBy '" + attribute + "' is not a CloudEvents"
                        + " attribute name: attribute and extension names are lowercase letters and digits (e.g. '"
                        + attribute.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "") + "')");
            }
            correlation = AttributeReader.of(attribute);
        }
        CronSchedule reset = null;
        if (subscriber.resetCron() != null) {
            try {
                reset = CronSchedule.parse(subscriber.resetCron());
            } catch (ConfigurationException e) {
                throw new ConfigurationException(owner + ": resetOn: " + e.getMessage(), e);
            }
        }
        return new CorrelatingGate(owner, condition, correlation, subscriber.within(), subscriber.levelTriggered(),
                subscriber.maxKeys(), reset, scheduler, counters, previous);
    }

    private static void warnAboutUnusedOptions(String owner, Condition condition, Subscriber subscriber) {
        List<String> unused = new ArrayList<>();
        if (subscriber.correlateBy() != null) {
            unused.add("correlateBy");
        }
        if (subscriber.within() != null) {
            unused.add("within");
        }
        if (subscriber.resetCron() != null) {
            unused.add("resetOn");
        }
        if (subscriber.levelTriggered()) {
            unused.add("levelTriggered");
        }
        if (subscriber.maxKeys() != Subscriber.DEFAULT_MAX_KEYS) {
            unused.add("maxKeys");
        }
        if (!unused.isEmpty()) {
            log.warn("{}: condition '{}' is stateless (only ||), so {} have no effect: every event of a named input fires"
                    + " by itself", owner, condition, unused);
        }
    }
}
