package io.switchboard.core;

import io.cloudevents.CloudEvent;
import io.switchboard.api.EventHandler;
import io.switchboard.api.Firing;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import org.slf4j.MDC;

import java.util.concurrent.CompletionStage;

/**
 * {@link RuntimeObserver#logContext()}: puts the event's id, type and source and the trigger and subscriber names in
 * the MDC around each handler call. Keys are removed (not the whole MDC cleared) so that the caller's own entries
 * survive; an asynchronous handler sees them only on the thread that called it.
 */
final class LogContext implements RuntimeObserver {

    static final String EVENT_ID = "ce_id";
    static final String EVENT_TYPE = "ce_type";
    static final String EVENT_SOURCE = "ce_source";
    static final String TRIGGER = "sb_trigger";
    static final String SUBSCRIBER = "sb_subscriber";

    @Override
    public Sink.Invoke observe(Trigger trigger, Subscriber subscriber, Sink.Invoke sink) {
        String t = trigger.name();
        String s = subscriber.name();
        Sink.Invoker invoker = sink.invoker();
        Sink.Invoker logged = new Sink.Invoker() {
            @Override
            public CompletionStage<CloudEvent> invoke(Firing firing) throws Exception {
                put(firing.event(), t, s);
                try {
                    return invoker.invoke(firing);
                } finally {
                    clear();
                }
            }
        };
        EventHandler handler = sink.eventHandler();
        EventHandler loggedHandler = handler == null ? null : event -> {
            put(event, t, s);
            try {
                handler.handle(event);
            } finally {
                clear();
            }
        };
        return new Sink.Invoke(logged, sink.replies(), loggedHandler);
    }

    private static void put(CloudEvent event, String trigger, String subscriber) {
        MDC.put(EVENT_ID, event.getId());
        MDC.put(EVENT_TYPE, event.getType());
        MDC.put(EVENT_SOURCE, String.valueOf(event.getSource()));
        MDC.put(TRIGGER, trigger);
        MDC.put(SUBSCRIBER, subscriber);
    }

    private static void clear() {
        MDC.remove(EVENT_ID);
        MDC.remove(EVENT_TYPE);
        MDC.remove(EVENT_SOURCE);
        MDC.remove(TRIGGER);
        MDC.remove(SUBSCRIBER);
    }
}
