package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;

/**
 * One trigger input on one topic: its filter and the subscribers of its trigger. Immutable.
 *
 * @param trigger     the trigger's name
 * @param input       the input's name
 * @param filter      the input's compiled filter
 * @param subscribers the trigger's subscribers (their gates decide whether this input concerns them)
 * @param dataCheck   the input's schema check, run on events that passed the filter, or {@code null} for none
 */
public record Route(String trigger, String input, InputFilter filter, SubscriberDispatch[] subscribers,
                    DataCheck dataCheck) {

    /** A route without a data check. */
    public Route(String trigger, String input, InputFilter filter, SubscriberDispatch[] subscribers) {
        this(trigger, input, filter, subscribers, null);
    }

    /** Validates an event's data before any subscriber sees it. Thread-safe, never throws. */
    @FunctionalInterface
    public interface DataCheck {
        /** @return {@code null} if the event's data is valid, else why not */
        io.switchboard.api.InvalidDataException validate(CloudEvent event);
    }

    /** Offers {@code event} (already a candidate by the index) to this input. */
    Tracker offer(CloudEvent event, Tracker tracker) {
        SubscriberDispatch[] subs = subscribers;
        boolean passed;
        try {
            passed = filter.test(event);
        } catch (RuntimeException | Error e) {
            countReceived(subs);
            throw e;
        }
        if (!passed) {
            countReceived(subs);
            return tracker;
        }
        DataCheck check = dataCheck;
        if (check != null) {
            io.switchboard.api.InvalidDataException invalid = check.validate(event);
            if (invalid != null) {
                for (int i = 0; i < subs.length; i++) {
                    tracker = subs[i].reject(input, event, invalid, tracker);
                }
                return tracker;
            }
        }
        // each subscriber counts received and matched itself: the inline fast path counts them with its other counters
        for (int i = 0; i < subs.length; i++) {
            tracker = subs[i].offer(input, event, tracker);
        }
        return tracker;
    }

    private static void countReceived(SubscriberDispatch[] subs) {
        for (int i = 0; i < subs.length; i++) {
            subs[i].counters.received.increment();
        }
    }
}
