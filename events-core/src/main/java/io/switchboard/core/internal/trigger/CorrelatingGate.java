package io.switchboard.core.internal.trigger;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Scheduler;
import io.switchboard.core.internal.cron.CronSchedule;
import io.switchboard.core.internal.SubscriberCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gate of a stateful condition (one with {@code &&} or {@code !}): holds the latest event of each named input per
 * correlation key and fires when an arriving event makes the condition true.
 *
 * <p>Design note. Each key's state is an immutable {@link KeyState} snapshot in a {@link ConcurrentHashMap}; an offer
 * computes the successor snapshot from the current one and installs it with a compare-and-set
 * ({@code putIfAbsent} / {@code replace(k, old, new)} / {@code remove(k, old)}, all by identity), retrying on
 * conflict. The firing decision belongs to the snapshot transition that won, so a completing event fires exactly once
 * and concurrent offers on different keys never wait for one another. There is no global lock.
 *
 * <p>Semantics (see docs/triggers.md):
 * <ul>
 *   <li>Only events of <em>positive</em> inputs (named outside a negation) can fire. When one makes the condition true,
 *       the subscriber fires with every held event of a positive input; those inputs are then cleared unless
 *       level-triggered. Events of inputs that occur only negated are held as inhibitors and never delivered.</li>
 *   <li>A later event of an input replaces the held one of the same key.</li>
 *   <li>With a window, held events whose arrival (on the scheduler clock) is more than the window ago are dropped
 *       on the next offer to their key and by a periodic sweep, and counted in {@code evicted}.</li>
 *   <li>An event without the correlation attribute is not held and cannot fire; it is counted in
 *       {@code uncorrelated} and logged (throttled).</li>
 *   <li>Beyond {@code maxKeys} keys, the key created longest ago is evicted with its held events (counted, logged).</li>
 *   <li>A cron reset clears every held event.</li>
 * </ul>
 */
final class CorrelatingGate implements FiringGate {

    private static final Logger log = LoggerFactory.getLogger(CorrelatingGate.class);
    private static final Duration WARNING_INTERVAL = Duration.ofSeconds(10);
    /** The single key of a gate without {@code correlateBy}. */
    private static final Object GLOBAL_KEY = new Object() {
        @Override
        public String toString() {
            return "<uncorrelated>";
        }
    };

    /** One key's held events. Immutable; compared by identity. */
    static final class KeyState {
        /** When the key was created (a sequence number); unchanged while the key lives. */
        final long born;
        /** Bit {@code i}: an event of input {@code i} is held. */
        final long held;
        final CloudEvent[] events;
        /** Arrival times on the scheduler clock, nanoseconds since the epoch. */
        final long[] arrived;

        KeyState(long born, long held, CloudEvent[] events, long[] arrived) {
            this.born = born;
            this.held = held;
            this.events = events;
            this.arrived = arrived;
        }
    }

    private record Step(KeyState next, Map<String, CloudEvent> fired, int expired) {
    }

    /** An entry of the creation-order queue: the key and the lifetime it was created in. */
    private record Ticket(Object key, long born) {
    }

    /**
     * The held events of every key and their creation order. A replacement gate with the same inputs and correlation
     * attribute shares its predecessor's store, so held events survive a live replacement: while old and new gate
     * both receive offers, the compare-and-set updates keep the shared snapshots consistent.
     */
    private static final class Store {
        final List<String> inputs;
        final String correlateBy;
        final ConcurrentHashMap<Object, KeyState> states = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<Ticket> ages = new ConcurrentLinkedQueue<>();
        final AtomicInteger ticketCount = new AtomicInteger();
        final AtomicBoolean compacting = new AtomicBoolean();
        final AtomicLong births = new AtomicLong();

        Store(List<String> inputs, String correlateBy) {
            this.inputs = inputs;
            this.correlateBy = correlateBy;
        }

        boolean fits(List<String> otherInputs, String otherCorrelateBy) {
            return inputs.equals(otherInputs) && Objects.equals(correlateBy, otherCorrelateBy);
        }
    }

    private final String owner;
    private final Condition condition;
    private final String[] names;
    private final Map<String, Integer> bits;
    private final long positive;
    private final AttributeReader correlation;
    private final long windowNanos;
    private final boolean levelTriggered;
    private final int maxKeys;
    private final Scheduler scheduler;
    private final SubscriberCounters counters;
    private final CronSchedule resetSchedule;
    private final ThrottledLog evictionWarnings;
    private final ThrottledLog uncorrelatedWarnings;

    private final Store store;
    private final ConcurrentHashMap<Object, KeyState> states;
    private final ConcurrentLinkedQueue<Ticket> ages;
    private final AtomicInteger ticketCount;
    private final AtomicBoolean compacting;
    private final AtomicLong births;
    private final Object timers = new Object();
    private Scheduler.Cancellable sweepTask;
    private Scheduler.Cancellable resetTask;
    private Instant lastReset;
    private volatile boolean closed;

    CorrelatingGate(String owner, Condition condition, AttributeReader correlation, Duration within,
                    boolean levelTriggered, int maxKeys, CronSchedule resetSchedule, Scheduler scheduler,
                    SubscriberCounters counters, FiringGate previous) {
        this.owner = owner;
        String attribute = correlation == null ? null : correlation.name();
        if (previous instanceof CorrelatingGate old && old.store.fits(condition.inputs(), attribute)) {
            this.store = old.store;
            log.debug("{}: takes over {} correlation key(s) held by the subscriber it replaces", owner, store.states.size());
        } else {
            this.store = new Store(condition.inputs(), attribute);
        }
        this.states = store.states;
        this.ages = store.ages;
        this.ticketCount = store.ticketCount;
        this.compacting = store.compacting;
        this.births = store.births;
        this.condition = condition;
        this.names = condition.inputs().toArray(new String[0]);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            index.put(names[i], i);
        }
        this.bits = Map.copyOf(index);
        this.positive = condition.positive();
        this.correlation = correlation;
        this.windowNanos = within == null ? 0 : within.toNanos();
        this.levelTriggered = levelTriggered;
        this.maxKeys = maxKeys;
        this.scheduler = scheduler;
        this.counters = counters;
        this.resetSchedule = resetSchedule;
        this.evictionWarnings = new ThrottledLog(log, scheduler.clock(), WARNING_INTERVAL);
        this.uncorrelatedWarnings = new ThrottledLog(log, scheduler.clock(), WARNING_INTERVAL);
        synchronized (timers) {
            if (windowNanos > 0) {
                sweepTask = scheduler.schedule(within, this::sweep);
            }
            if (resetSchedule != null) {
                lastReset = scheduler.now();
                scheduleReset();
            }
        }
    }

    @Override
    public Map<String, CloudEvent> offer(String input, CloudEvent event) {
        Integer bit = bits.get(input);
        if (bit == null) {
            return null;
        }
        Object key = GLOBAL_KEY;
        if (correlation != null) {
            String value = correlation.read(event);
            if (value == null) {
                counters.uncorrelated.increment();
                uncorrelatedWarnings.warn("{}: event {} of input '{}' has no '{}' attribute to correlate by; it is not"
                        + " held and cannot fire the condition '{}' (counted as uncorrelated)",
                        owner, event.getId(), input, correlation.name(), condition);
                return null;
            }
            key = value;
        }
        long now = nanos(scheduler.now());
        while (true) {
            KeyState current = states.get(key);
            long born = current != null ? current.born : births.incrementAndGet();
            Step step = step(current, bit, event, now, born);
            if (commit(key, current, step.next)) {
                if (step.expired > 0) {
                    counters.evicted.add(step.expired);
                }
                if (current == null && step.next != null) {
                    admitted(key, born);
                }
                return step.fired;
            }
        }
    }

    /** The successor of {@code current} after an event of input {@code bit}, and what fires. Pure. */
    private Step step(KeyState current, int bit, CloudEvent event, long now, long born) {
        int n = names.length;
        CloudEvent[] events = new CloudEvent[n];
        long[] arrived = new long[n];
        long held = 0;
        int expired = 0;
        if (current != null) {
            for (int i = 0; i < n; i++) {
                long mask = 1L << i;
                if ((current.held & mask) == 0) {
                    continue;
                }
                if (windowNanos > 0 && now - current.arrived[i] > windowNanos) {
                    expired++;
                    continue;
                }
                events[i] = current.events[i];
                arrived[i] = current.arrived[i];
                held |= mask;
            }
        }
        long mask = 1L << bit;
        events[bit] = event;
        arrived[bit] = now;
        held |= mask;
        Map<String, CloudEvent> fired = null;
        if ((mask & positive) != 0 && condition.test(held)) {
            long contributing = held & positive;
            fired = contributions(contributing, events);
            if (!levelTriggered) {
                held &= ~contributing;
                for (int i = 0; i < n; i++) {
                    if ((contributing & (1L << i)) != 0) {
                        events[i] = null;
                        arrived[i] = 0;
                    }
                }
            }
        }
        return new Step(held == 0 ? null : new KeyState(born, held, events, arrived), fired, expired);
    }

    private Map<String, CloudEvent> contributions(long contributing, CloudEvent[] events) {
        int count = Long.bitCount(contributing);
        if (count == 1) {
            int i = Long.numberOfTrailingZeros(contributing);
            return Map.of(names[i], events[i]);
        }
        if (count == 2) {
            int i = Long.numberOfTrailingZeros(contributing);
            int j = Long.numberOfTrailingZeros(contributing & ~(1L << i));
            return Map.of(names[i], events[i], names[j], events[j]);
        }
        Map<String, CloudEvent> map = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            if ((contributing & (1L << i)) != 0) {
                map.put(names[i], events[i]);
            }
        }
        return Collections.unmodifiableMap(map);
    }

    private boolean commit(Object key, KeyState current, KeyState next) {
        if (current == null) {
            // From the empty state a transition that holds nothing needs no write: it is linearised at the read.
            return next == null || states.putIfAbsent(key, next) == null;
        }
        return next == null ? states.remove(key, current) : states.replace(key, current, next);
    }

    /** Records a new key's age and enforces {@code maxKeys}. */
    private void admitted(Object key, long born) {
        ages.offer(new Ticket(key, born));
        ticketCount.incrementAndGet();
        while (states.size() > maxKeys) {
            if (!evictOldest()) {
                break;
            }
        }
        // Tickets of keys that fired or expired stay queued until evicted; drop them once they dominate.
        if (ticketCount.get() > 2 * states.size() + 1024) {
            compactTickets();
        }
    }

    private boolean evictOldest() {
        Ticket ticket = ages.poll();
        if (ticket == null) {
            return false;
        }
        ticketCount.decrementAndGet();
        for (KeyState s = states.get(ticket.key); s != null && s.born == ticket.born; s = states.get(ticket.key)) {
            if (states.remove(ticket.key, s)) {
                counters.evicted.increment();
                evictionWarnings.warn("{}: more than maxKeys={} correlation keys held; evicted the oldest key '{}' with"
                                + " {} held event(s) that never completed condition '{}' (raise maxKeys or set within(...))",
                        owner, maxKeys, ticket.key, Long.bitCount(s.held), condition);
                return true;
            }
        }
        return true;
    }

    private void compactTickets() {
        if (!compacting.compareAndSet(false, true)) {
            return;
        }
        try {
            for (Iterator<Ticket> it = ages.iterator(); it.hasNext(); ) {
                Ticket t = it.next();
                KeyState s = states.get(t.key);
                if (s == null || s.born != t.born) {
                    it.remove();
                    ticketCount.decrementAndGet();
                }
            }
        } finally {
            compacting.set(false);
        }
    }

    /** Drops expired held events of every key, so keys that never see another event do not hold memory. */
    private void sweep() {
        if (closed) {
            return;
        }
        long now = nanos(scheduler.now());
        for (Map.Entry<Object, KeyState> entry : states.entrySet()) {
            KeyState s = entry.getValue();
            long live = 0;
            for (int i = 0; i < names.length; i++) {
                if ((s.held & (1L << i)) != 0 && now - s.arrived[i] <= windowNanos) {
                    live |= 1L << i;
                }
            }
            if (live == s.held) {
                continue;
            }
            KeyState pruned = null;
            if (live != 0) {
                CloudEvent[] events = s.events.clone();
                long[] arrived = s.arrived.clone();
                for (int i = 0; i < names.length; i++) {
                    if ((live & (1L << i)) == 0) {
                        events[i] = null;
                        arrived[i] = 0;
                    }
                }
                pruned = new KeyState(s.born, live, events, arrived);
            }
            boolean done = pruned == null ? states.remove(entry.getKey(), s) : states.replace(entry.getKey(), s, pruned);
            if (done) { // otherwise an offer changed the key meanwhile and pruned it itself
                counters.evicted.add(Long.bitCount(s.held & ~live));
            }
        }
        synchronized (timers) {
            if (!closed) {
                sweepTask = scheduler.schedule(Duration.ofNanos(windowNanos), this::sweep);
            }
        }
    }

    /** Must hold {@link #timers}. */
    private void scheduleReset() {
        resetSchedule.next(lastReset, ZoneOffset.UTC).ifPresent(due -> {
            lastReset = due;
            resetTask = scheduler.schedule(Duration.between(scheduler.now(), due), this::reset);
        });
    }

    private void reset() {
        if (closed) {
            return;
        }
        int keys = 0;
        int events = 0;
        for (Map.Entry<Object, KeyState> entry : states.entrySet()) {
            if (states.remove(entry.getKey(), entry.getValue())) {
                keys++;
                events += Long.bitCount(entry.getValue().held);
            }
        }
        if (events > 0) {
            log.info("{}: scheduled reset cleared {} held event(s) of {} correlation key(s)", owner, events, keys);
        }
        synchronized (timers) {
            if (!closed) {
                scheduleReset();
            }
        }
    }

    @Override
    public void close() {
        synchronized (timers) {
            if (closed) {
                return;
            }
            closed = true;
            if (sweepTask != null) {
                sweepTask.cancel();
            }
            if (resetTask != null) {
                resetTask.cancel();
            }
        }
        // Held events are not cleared: a replacement gate may share them (see Store); otherwise they go with the gate.
        if (!states.isEmpty()) {
            log.debug("{}: closed with {} correlation key(s) still waiting for condition '{}'", owner, states.size(),
                    condition);
        }
    }

    /** How many correlation keys hold events right now (for tests and diagnostics). */
    int keysHeld() {
        return states.size();
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
