package io.switchboard.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Turns SIGTERM and SIGINT into a request to stop that the main thread acts on, so that the router drains and then
 * exits with a status that says how the drain went.
 *
 * <p>Design note: a JVM that exits because of a signal runs its shutdown hooks and then exits with 128 + the signal
 * (143 for SIGTERM) whatever the hooks did; and {@code System.exit} from a hook blocks forever. Handling the signal
 * itself ({@code sun.misc.Signal}, in {@code jdk.unsupported}, which every JDK ships) keeps the exit status ours.
 * Where a signal cannot be handled (the JVM runs with {@code -Xrs}, or the signal is reserved) a shutdown hook still
 * drains, and the JVM's own status stands. A second signal while draining stops waiting: the process exits at once
 * with status 3, as an operator pressing Ctrl-C twice means.
 */
final class StopSignals {

    private static final Logger log = LoggerFactory.getLogger(StopSignals.class);

    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicReference<String> reason = new AtomicReference<>();

    /** Handles SIGTERM and SIGINT; returns the signals that could not be handled (empty normally). */
    String install() {
        StringBuilder unhandled = new StringBuilder();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), this::received);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                unhandled.append(unhandled.length() == 0 ? "" : ", ").append("SIG").append(name);
            }
        }
        return unhandled.toString();
    }

    private void received(Signal signal) {
        String name = "SIG" + signal.getName();
        if (reason.compareAndSet(null, name)) {
            stop.countDown();
        } else {
            log.warn("{} while draining after {}: exiting now, without waiting for in-flight deliveries", name,
                    reason.get());
            Runtime.getRuntime().halt(Main.EXIT_UNDRAINED);
        }
    }

    /** Asks to stop as a signal would; for a stop that comes from elsewhere (a shutdown hook). */
    void request(String why) {
        if (reason.compareAndSet(null, why)) {
            stop.countDown();
        }
    }

    /** Blocks until a stop is requested; returns what requested it ({@code SIGTERM}, {@code SIGINT}, …). */
    String await() throws InterruptedException {
        stop.await();
        return reason.get();
    }
}
