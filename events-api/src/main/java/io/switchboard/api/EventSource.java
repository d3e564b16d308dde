package io.switchboard.api;

/**
 * Something that produces CloudEvents: a cron schedule, an HTTP endpoint, a broker topic, or your own code.
 *
 * <p>The runtime calls {@link #start(SourceContext)} once when it starts and {@link #close()} once when it
 * closes. A source emits through the context it was started with; the context publishes to the source's
 * bus topic (or straight to a sink) and reports, per event, whether it was accepted.
 *
 * <p>Implementations need not be thread-safe with respect to {@code start} and {@code close}: the runtime never
 * calls them concurrently. {@link SourceContext#emit} may be called from any thread.
 */
public interface EventSource extends AutoCloseable {

    /** The source's name, unique within a runtime; also the default bus topic its events go to. */
    String name();

    /**
     * Starts producing events. Must not block for long: start threads or schedule work on
     * {@link SourceContext#scheduler()} instead.
     *
     * @param context how this source emits events; valid until {@link #close()}
     * @throws Exception if the source cannot start (a port in use, a broker unreachable); the runtime's
     *                   {@code start()} then fails with this as its cause
     */
    void start(SourceContext context) throws Exception;

    /**
     * Whether every instance of an application, configured identically, emits the same events under the same ids —
     * e.g. fixed-rate timer and cron ticks, whose id is {@code <name>@<scheduled instant>}. The runtime then publishes
     * them under one partition key (the source's name), so all copies of one event reach the same member of the
     * consumer group, and that member skips a copy whose id it handled recently: N instances handle each event once
     * (at least once when an instance crashes). Default {@code false}: every emitted event is handled.
     */
    default boolean identicalAcrossInstances() {
        return false;
    }

    /** Stops producing events and releases every thread and connection the source holds. Idempotent. */
    @Override
    void close() throws Exception;
}
