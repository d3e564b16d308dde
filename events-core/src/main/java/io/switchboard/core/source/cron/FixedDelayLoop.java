package io.switchboard.core.source.cron;

import io.switchboard.api.Scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Fixed-delay ticking: the next tick is planned {@code delay} after the previous tick's event was accepted (or
 * refused) by the bus, so ticks never overlap and a slow bus slows the timer down. There is only ever one tick
 * planned, so nothing can be missed in bulk: a late wake-up fires that one tick, with {@code time} = its planned
 * instant. Thread-safe: state changes are serialised on {@code this}.
 */
final class FixedDelayLoop {

    private final Duration delay;
    private final Function<Instant, CompletionStage<Void>> fire;

    private Scheduler scheduler;
    private Scheduler.Cancellable pending;
    private Instant planned;
    private Instant last;
    private boolean running;

    FixedDelayLoop(Duration delay, Function<Instant, CompletionStage<Void>> fire) {
        this.delay = delay;
        this.fire = fire;
    }

    synchronized void start(Scheduler scheduler) {
        this.scheduler = scheduler;
        this.running = true;
        plan();
    }

    synchronized void stop() {
        running = false;
        planned = null;
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
    }

    synchronized Optional<Instant> lastTick() {
        return Optional.ofNullable(last);
    }

    synchronized Optional<Instant> nextTick() {
        return Optional.ofNullable(planned);
    }

    private void plan() {
        Instant at = scheduler.now().plus(delay);
        planned = at;
        pending = scheduler.schedule(delay, () -> wake(at));
    }

    private void wake(Instant tick) {
        synchronized (this) {
            if (!running || !tick.equals(planned)) {
                return;
            }
            planned = null;
            pending = null;
            last = tick;
        }
        CompletionStage<Void> done;
        try {
            done = fire.apply(tick);
        } catch (RuntimeException e) {
            done = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        done.whenComplete((ok, failure) -> {
            synchronized (this) {
                if (running) {
                    plan();
                }
            }
        });
    }
}
