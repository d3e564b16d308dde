package io.switchboard.core;

import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;

/**
 * Watches a runtime from the outside: metrics, traces, log context. Registered with
 * {@link Switchboard.Builder#observer(RuntimeObserver)}; the optional modules {@code events-micrometer} and
 * {@code events-opentelemetry} are observers, and {@link #logContext()} is one that ships with the core.
 *
 * <p>Design note: the runtime never calls an observer per event. Per-event work happens only inside the handler an
 * observer chose to wrap in {@link #observe}, so a runtime without observers runs exactly the code it runs without
 * this interface, and an observer that wraps nothing costs nothing. Counters the runtime keeps anyway
 * ({@link RuntimeView#stats()}, {@link RuntimeView#loads()}, {@link RuntimeView#sourceStats()}) are read, not pushed:
 * an observer reads them when it is asked (a metrics scrape) through the {@link RuntimeView} given to
 * {@link #attached}.
 *
 * <p>Implementations must be thread-safe: {@link #observe} runs on whichever thread adds or replaces a trigger, and
 * the handlers it returns run on every delivering thread at once.
 */
public interface RuntimeObserver {

    /**
     * Called once, when the runtime is built (before {@link Switchboard#start()}), with the view to read its counters
     * and health from.
     */
    default void attached(RuntimeView runtime) {
    }

    /**
     * Called once per subscriber with a handler sink when its trigger is assembled (at build, and again for triggers
     * added or replaced later), before the runtime uses the sink. Returns the sink to deliver through: {@code sink}
     * itself to leave the subscriber alone, or a sink whose invoker (and event handler, when {@code sink} has one)
     * wraps {@code sink}'s — same replies flag, same outcome — around which the observer measures, traces or sets
     * log context. The wrapper runs once per attempt, on the delivering thread; it must hand the delegate's failure
     * on unchanged and must not block. An HTTP sink ({@link Sink.Http}) is passed as the handler sink that sends its
     * requests (one call per attempt, completing when the function answered). Re-publishing ({@link Sink.Topic})
     * sinks are not passed here.
     *
     * <p>When several observers are registered, each wraps the previous one's result, in registration order (the
     * first registered is innermost).
     */
    default Sink.Invoke observe(Trigger trigger, Subscriber subscriber, Sink.Invoke sink) {
        return sink;
    }

    /**
     * An observer that runs each handler call with the event and its subscriber in the slf4j MDC — keys
     * {@value LogContext#EVENT_ID}, {@value LogContext#EVENT_TYPE}, {@value LogContext#EVENT_SOURCE},
     * {@value LogContext#TRIGGER} and {@value LogContext#SUBSCRIBER} — and removes them after the call. Off unless
     * registered, because MDC adapters allocate (a map per thread and entries per call).
     */
    static RuntimeObserver logContext() {
        return new LogContext();
    }
}
