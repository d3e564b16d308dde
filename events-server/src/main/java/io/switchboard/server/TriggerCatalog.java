package io.switchboard.server;

import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.RuntimeObserver;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the triggers as declared, for the banner: the runtime keeps only their names, and shows each trigger to
 * its observers while assembling it. Wraps nothing, so it costs nothing per event.
 *
 * <p>The runtime shows a trigger to observers through its subscribers that deliver to a handler or an HTTP function;
 * a trigger whose subscribers all re-publish to topics is not shown, and the banner lists it by name.
 */
final class TriggerCatalog implements RuntimeObserver {

    private final Map<String, Trigger> triggers = new ConcurrentHashMap<>();

    @Override
    public Sink.Invoke observe(Trigger trigger, Subscriber subscriber, Sink.Invoke sink) {
        triggers.put(trigger.name(), trigger);
        return sink;
    }

    /** The triggers seen so far, in no particular order. */
    List<Trigger> triggers() {
        return List.copyOf(triggers.values());
    }
}
