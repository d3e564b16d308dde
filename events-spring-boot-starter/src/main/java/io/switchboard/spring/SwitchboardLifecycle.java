package io.switchboard.spring;

import io.switchboard.core.DrainReport;
import io.switchboard.core.RuntimeView;
import io.switchboard.core.Switchboard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the application's {@link Switchboard} once the context is refreshed (every singleton, handler beans
 * included, exists) and drains it when the context closes, before any bean is destroyed: sources stop, accepted
 * events finish within the drain timeout, buses close.
 *
 * <p>{@link #DEFAULT_PHASE} puts it before the web server and message listener containers when starting and after
 * them when stopping (lower phases start first and stop last), so a controller or listener that publishes always
 * finds the runtime running, and the web server stops taking requests before the runtime drains.
 */
final class SwitchboardLifecycle implements SmartLifecycle {

    /** Below the web server's phases ({@code DEFAULT_PHASE - 2048} and graceful shutdown's {@code - 1024}). */
    static final int DEFAULT_PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Logger log = LoggerFactory.getLogger(SwitchboardLifecycle.class);

    private final Switchboard switchboard;
    private final int phase;

    SwitchboardLifecycle(Switchboard switchboard, int phase) {
        this.switchboard = switchboard;
        this.phase = phase;
    }

    @Override
    public void start() {
        if (switchboard.runtime().state() == RuntimeView.State.NEW) {
            switchboard.start();
        }
    }

    @Override
    public void stop() {
        DrainReport report = switchboard.shutdown();
        log.debug("Switchboard drained with the application context: {}", report);
    }

    @Override
    public boolean isRunning() {
        return switchboard.runtime().state() == RuntimeView.State.RUNNING;
    }

    @Override
    public int getPhase() {
        return phase;
    }
}
