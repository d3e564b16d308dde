package io.switchboard.core.source.cron;

import io.switchboard.api.Scheduler;
import io.switchboard.core.internal.cron.CronSchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Drives one schedule on a {@link Scheduler}: sleeps until the next tick, fires it, and on waking late applies the
 * misfire policy.
 *
 * <p>Design note: the loop remembers the last tick it handled ({@code last}) and on every wake asks the schedule
 * which ticks lie in {@code (last, now]}, so the same code covers a normal tick, a paused process, a forward clock
 * jump and a restart that resumes from a known tick. A backward clock jump finds no tick due and sleeps again; ticks
 * up to {@code last} never fire twice. Sleeps are capped at {@link #MAX_SLEEP}: a real scheduler measures delays on a
 * monotonic clock, so a forward wall-clock jump is noticed within that cap rather than after a long sleep.
 * Thread-safety: wake-ups and start/stop are serialised on {@code this}; events are handed to {@code fire} outside
 * the lock.
 */
final class TickLoop {

    static final Duration MAX_SLEEP = Duration.ofMinutes(1);
    /** When counting dropped cron ticks, stop after this many (the count is then a lower bound). */
    private static final int COUNT_LIMIT = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(TickLoop.class);

    private final String name;
    private final CronSchedule schedule;
    private final ZoneId zone;
    private final MisfirePolicy policy;
    private final Duration threshold;
    private final Consumer<Instant> fire;
    private final Consumer<Long> missed;

    private Scheduler scheduler;
    private Instant last;
    /** {@code schedule.next(last)}, cached: the capped sleeps wake often, and cron-utils is not cheap. */
    private Optional<Instant> due = Optional.empty();
    private Scheduler.Cancellable pending;
    private boolean running;

    TickLoop(String name, CronSchedule schedule, ZoneId zone, MisfirePolicy policy, Duration threshold,
             Consumer<Instant> fire, Consumer<Long> missed) {
        this.name = name;
        this.schedule = schedule;
        this.zone = zone;
        this.policy = policy;
        this.threshold = threshold;
        this.fire = fire;
        this.missed = missed;
    }

    /** Starts ticking; with {@code resumeAfter}, ticks after it that were missed are handled at once. */
    synchronized void start(Scheduler scheduler, Instant resumeAfter) {
        this.scheduler = scheduler;
        this.running = true;
        if (resumeAfter != null) {
            setLast(resumeAfter);
            pending = scheduler.schedule(Duration.ZERO, this::wake);
        } else {
            setLast(scheduler.now());
            sleep();
        }
    }

    synchronized void stop() {
        running = false;
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
    }

    /** The last tick handled (fired or dropped by the misfire policy), or empty before the first. */
    synchronized Optional<Instant> lastTick() {
        return Optional.ofNullable(last);
    }

    /** The instant of the next tick, or empty if the loop is stopped or the schedule never fires again. */
    synchronized Optional<Instant> nextTick() {
        return running ? due : Optional.empty();
    }

    private void setLast(Instant tick) {
        last = tick;
        due = schedule.next(tick, zone);
    }

    private void sleep() {
        Optional<Instant> next = due;
        if (next.isEmpty()) {
            LOG.info("source '{}': schedule {} fires no more; stopping", name, schedule);
            pending = null;
            return;
        }
        Duration delay = Duration.between(scheduler.now(), next.get());
        if (delay.compareTo(MAX_SLEEP) > 0) {
            delay = MAX_SLEEP;
        }
        pending = scheduler.schedule(delay, this::wake);
    }

    private void wake() {
        List<Instant> due;
        synchronized (this) {
            if (!running) {
                return;
            }
            due = dueTicks(scheduler.now());
            sleep();
        }
        for (Instant tick : due) {
            try {
                fire.accept(tick);
            } catch (RuntimeException e) {
                LOG.error("source '{}': emitting tick {} failed", name, tick, e);
            }
        }
    }

    /** Ticks to fire now, oldest first; advances {@code last} past every tick in {@code (last, now]}. */
    private List<Instant> dueTicks(Instant now) {
        Optional<Instant> first = due;
        if (first.isEmpty() || first.get().isAfter(now)) {
            return List.of(); // early wake-up (sleep cap) or the wall clock went backwards
        }
        Instant latest = schedule.previous(now, zone).filter(p -> p.isAfter(last)).orElse(first.get());
        boolean onTime = Duration.between(latest, now).compareTo(threshold) <= 0;
        Instant previousLast = last;
        setLast(latest);
        if (onTime && latest.equals(first.get())) {
            return List.of(latest); // the normal case: exactly one tick, on time
        }
        List<Instant> fired = switch (policy.kind()) {
            case SKIP -> onTime ? List.of(latest) : List.of();
            case FIRE_ONCE -> List.of(latest);
            case CATCH_UP -> catchUp(previousLast, latest, now, onTime);
        };
        long dropped = countTicks(previousLast, latest) - fired.size();
        if (dropped > 0) {
            missed.accept(dropped);
            LOG.warn("source '{}': woke at {} after missing ticks since {}; misfire policy {} dropped {}{} tick(s), fired {}",
                    name, now, previousLast, policy, dropped, dropped >= COUNT_LIMIT ? "+" : "", fired.size());
        }
        return fired;
    }

    /** The most recent ticks in {@code (after, latest]} within the policy's age and count bounds, oldest first. */
    private List<Instant> catchUp(Instant after, Instant latest, Instant now, boolean latestOnTime) {
        Instant oldest = now.minus(policy.maxAge());
        ArrayDeque<Instant> ticks = new ArrayDeque<>();
        if (latestOnTime) {
            ticks.addFirst(latest); // an on-time tick fires whatever the age bound says
        }
        Optional<Instant> t = latestOnTime ? schedule.previous(latest.minusNanos(1), zone) : Optional.of(latest);
        while (t.isPresent() && t.get().isAfter(after) && !t.get().isBefore(oldest) && ticks.size() < policy.maxTicks()) {
            ticks.addFirst(t.get());
            t = schedule.previous(t.get().minusNanos(1), zone);
        }
        return new ArrayList<>(ticks);
    }

    /** Ticks in {@code (after, upTo]}: exact for periods, counted up to {@link #COUNT_LIMIT} for cron. */
    private long countTicks(Instant after, Instant upTo) {
        Optional<Duration> period = schedule.period();
        if (period.isPresent()) {
            Instant firstTick = schedule.next(after, zone).orElseThrow();
            return Duration.between(firstTick, upTo).dividedBy(period.get()) + 1;
        }
        long n = 0;
        Instant t = after;
        while (n < COUNT_LIMIT) {
            Optional<Instant> next = schedule.next(t, zone);
            if (next.isEmpty() || next.get().isAfter(upTo)) {
                break;
            }
            n++;
            t = next.get();
        }
        return n;
    }
}
