package io.switchboard.core.internal.trigger;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Acknowledgement;
import io.switchboard.api.Scheduler;
import io.switchboard.core.internal.cron.CronSchedule;
import io.switchboard.core.internal.SubscriberCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
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
 *
 * <p>Held acknowledgements (the cross-instance path, docs/scaling.md). Events offered through {@link #offerHeld} come
 * with their bus acknowledgement, which the snapshot keeps beside the event ({@link Holding}); every transition that
 * drops a held event releases its acknowledgement after the transition won (replaced, expired, evicted, reset), a
 * firing hands the contributing ones to the caller to release after delivery, and the bus taking an event back
 * ({@code whenReturned}) removes it if the slot still holds that very acknowledgement. Events held longer than the
 * re-park age are re-published as a copy and their acknowledgement released ({@link #reparkAfter}); a copy is held
 * again only if its slot still holds that event id or is empty and the id was not consumed recently ({@link Store#recent}).
 * The plain path ({@link #offer}) allocates no holding array.
 */
final class CorrelatingGate implements FiringGate {

    private static final Logger log = LoggerFactory.getLogger(CorrelatingGate.class);
    private static final Duration WARNING_INTERVAL = Duration.ofSeconds(10);
    /** How many consumed ids a gate remembers against re-parked copies (see {@link Store#recent}). */
    static final int RECENTLY_CONSUMED = 8192;
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
        /** The bus acknowledgement kept with each held event, or {@code null} when no event came with one. */
        final Holding[] holds;

        KeyState(long born, long held, CloudEvent[] events, long[] arrived, Holding[] holds) {
            this.born = born;
            this.held = held;
            this.events = events;
            this.arrived = arrived;
            this.holds = holds;
        }

        Holding hold(int i) {
            return holds == null ? null : holds[i];
        }
    }

    /** A held event's acknowledgement and since when this member holds it (scheduler nanos). Compared by identity. */
    static final class Holding {
        final Acknowledgement ack;
        final long since;
        final AtomicBoolean parking = new AtomicBoolean();

        Holding(Acknowledgement ack, long since) {
            this.ack = ack;
            this.since = since;
        }
    }

    /**
     * @param released   acknowledgements of held events this transition dropped (replaced or expired): released once it
     *                   won; {@code null} for none
     * @param firedHolds acknowledgements of contributing events cleared by the firing, other than the offered one's
     */
    private record Step(KeyState next, Map<String, CloudEvent> fired, int expired, List<Acknowledgement> released,
                        List<HeldEvent> firedHolds) {
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
        /**
         * Ids of held events recently consumed (fired, evicted, reset) on the cross-instance path, as
         * {@code key NUL input NUL id}; a re-parked copy of one is not held again. Bounded; created on first use.
         */
        private Map<String, Boolean> recent;

        synchronized void consumed(Object key, String input, String id) {
            if (recent == null) {
                recent = new LinkedHashMap<>(64, 0.75f, false) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                        return size() > RECENTLY_CONSUMED;
                    }
                };
            }
            recent.put(key + "\u0000" + input + "\u0000" + id, Boolean.TRUE);
        }

        synchronized void unconsumed(Object key, String input, String id) {
            if (recent != null) {
                recent.remove(key + "\u0000" + input + "\u0000" + id);
            }
        }

        synchronized boolean consumedRecently(Object key, String input, String id) {
            return recent != null && recent.containsKey(key + "\u0000" + input + "\u0000" + id);
        }

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
    private final ThrottledLog reparkWarnings;

    private final Store store;
    private final ConcurrentHashMap<Object, KeyState> states;
    private final ConcurrentLinkedQueue<Ticket> ages;
    private final AtomicInteger ticketCount;
    private final AtomicBoolean compacting;
    private final AtomicLong births;
    private final Object timers = new Object();
    private Scheduler.Cancellable sweepTask;
    private Scheduler.Cancellable resetTask;
    private Scheduler.Cancellable reparkTask;
    private long reparkNanos;
    private Reparker reparker;
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
        this.reparkWarnings = new ThrottledLog(log, scheduler.clock(), WARNING_INTERVAL);
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
            Step step = step(current, bit, event, now, now, born, null);
            if (commit(key, current, step.next)) {
                if (step.expired > 0) {
                    counters.evicted.add(step.expired);
                }
                releaseAll(step.released);
                if (current == null && step.next != null) {
                    admitted(key, born);
                }
                return step.fired;
            }
        }
    }

    @Override
    public boolean correlates() {
        return true;
    }

    @Override
    public boolean sharesHeld(FiringGate other) {
        return other instanceof CorrelatingGate o && o.store == store;
    }

    @Override
    public HeldOffer offerHeld(String input, CloudEvent event, Acknowledgement ack, long parkedArrivalMillis) {
        Integer found = bits.get(input);
        Object key = found == null ? null : keyOf(input, event);
        if (key == null) {
            ack.release();
            return null;
        }
        int bit = found;
        long now = nanos(scheduler.now());
        boolean parked = parkedArrivalMillis >= 0;
        long arrival = parked ? parkedArrivalMillis * 1_000_000L : now;
        Holding holding = new Holding(ack, now);
        while (true) {
            KeyState current = states.get(key);
            // A copy may arrive twice: replayed after a crash (its source record or its copy was not committed yet),
            // or re-parked. Same id held: keep it, under the newer acknowledgement. Same id consumed here recently:
            // a duplicate of what already fired (or was evicted), dropped. A re-parked copy also yields to a newer
            // event of its input (latest wins).
            CloudEvent there = current == null || (current.held & (1L << bit)) == 0 ? null : current.events[bit];
            if (there != null && there.getId().equals(event.getId())) {
                KeyState swapped = withHolding(current, bit, holding);
                if (!states.replace(key, current, swapped)) {
                    continue;
                }
                Holding before = current.hold(bit);
                if (before != null) {
                    before.ack.release();
                }
                Object k = key;
                ack.whenReturned(() -> forget(k, bit, holding));
                return null;
            }
            if (there != null && parked) {
                ack.release(); // a newer event of this input is held: latest wins
                return null;
            }
            if (store.consumedRecently(key, input, event.getId())) {
                ack.release(); // it fired (or was evicted) here already: a replayed or re-parked duplicate
                return null;
            }
            long born = current != null ? current.born : births.incrementAndGet();
            Step step = step(current, bit, event, now, arrival, born, holding);
            if (!commit(key, current, step.next)) {
                continue;
            }
            if (step.expired > 0) {
                counters.evicted.add(step.expired);
            }
            releaseAll(step.released);
            if (current == null && step.next != null) {
                admitted(key, born);
            }
            if (step.next != null && step.next.hold(bit) == holding) {
                Object k = key;
                ack.whenReturned(() -> forget(k, bit, holding));
            } else {
                ack.release(); // not held: acknowledged when its turn (and the firing it caused) completes
            }
            if (step.fired == null) {
                return null;
            }
            for (Map.Entry<String, CloudEvent> e : step.fired.entrySet()) {
                store.consumed(key, e.getKey(), e.getValue().getId());
            }
            return new HeldOffer(step.fired, step.firedHolds == null ? List.of() : step.firedHolds);
        }
    }

    /** The correlation key of {@code event}, or {@code null} (counted and logged as uncorrelated). */
    private Object keyOf(String input, CloudEvent event) {
        if (correlation == null) {
            return GLOBAL_KEY;
        }
        String value = correlation.read(event);
        if (value == null) {
            counters.uncorrelated.increment();
            uncorrelatedWarnings.warn("{}: event {} of input '{}' has no '{}' attribute to correlate by; it is not"
                    + " held and cannot fire the condition '{}' (counted as uncorrelated)",
                    owner, event.getId(), input, correlation.name(), condition);
        }
        return value;
    }

    /** {@code state} with the event of {@code bit} kept under another acknowledgement. */
    private static KeyState withHolding(KeyState state, int bit, Holding holding) {
        Holding[] holds = state.holds == null ? new Holding[state.events.length] : state.holds.clone();
        holds[bit] = holding;
        return new KeyState(state.born, state.held, state.events, state.arrived, holds);
    }

    /**
     * Drops the event of {@code bit} if its slot still holds {@code holding} (the bus took it back, or its re-parked
     * copy was accepted). Returns whether it did.
     */
    private boolean forget(Object key, int bit, Holding holding) {
        while (true) {
            KeyState s = states.get(key);
            if (s == null || s.hold(bit) != holding) {
                return false;
            }
            KeyState next = without(s, 1L << bit);
            if (next == null ? states.remove(key, s) : states.replace(key, s, next)) {
                return true;
            }
        }
    }

    /** {@code state} without the events of {@code mask}, or {@code null} if none would be left. */
    private static KeyState without(KeyState state, long mask) {
        long held = state.held & ~mask;
        if (held == 0) {
            return null;
        }
        CloudEvent[] events = state.events.clone();
        long[] arrived = state.arrived.clone();
        Holding[] holds = state.holds == null ? null : state.holds.clone();
        for (int i = 0; i < events.length; i++) {
            if ((mask & (1L << i)) != 0) {
                events[i] = null;
                arrived[i] = 0;
                if (holds != null) {
                    holds[i] = null;
                }
            }
        }
        return new KeyState(state.born, held, events, arrived, holds);
    }

    private static void releaseAll(List<Acknowledgement> acks) {
        if (acks != null) {
            for (Acknowledgement a : acks) {
                a.release();
            }
        }
    }

    /** Releases and remembers (as consumed) every held event of {@code state}, which was dropped whole. */
    private void dropped(Object key, KeyState state) {
        if (state.holds == null) {
            return;
        }
        for (int i = 0; i < names.length; i++) {
            Holding h = state.holds[i];
            if (h != null) {
                store.consumed(key, names[i], state.events[i].getId());
                h.ack.release();
            }
        }
    }

    @Override
    public void reparkAfter(Duration after, Reparker reparker) {
        synchronized (timers) {
            this.reparkNanos = after.toNanos();
            this.reparker = reparker;
            if (reparkTask != null) {
                reparkTask.cancel();
            }
            if (!closed) {
                reparkTask = scheduler.schedule(reparkScanInterval(), this::repark);
            }
        }
    }

    private Duration reparkScanInterval() {
        return Duration.ofNanos(Math.max(Duration.ofMillis(100).toNanos(), reparkNanos / 4));
    }

    /** Re-publishes events held longer than the re-park age; their slot is freed once the copy was accepted. */
    private void repark() {
        if (closed) {
            return;
        }
        long now = nanos(scheduler.now());
        for (Map.Entry<Object, KeyState> entry : states.entrySet()) {
            KeyState s = entry.getValue();
            if (s.holds == null) {
                continue;
            }
            for (int i = 0; i < names.length; i++) {
                Holding h = s.holds[i];
                if (h == null || now - h.since < reparkNanos || !h.parking.compareAndSet(false, true)) {
                    continue;
                }
                Object key = entry.getKey();
                int bit = i;
                CompletionStage<Void> sent;
                try {
                    sent = reparker.repark(names[i], s.events[i], s.arrived[i] / 1_000_000L);
                } catch (RuntimeException e) {
                    sent = java.util.concurrent.CompletableFuture.failedFuture(e);
                }
                sent.whenComplete((ok, failure) -> {
                    if (failure != null) {
                        h.parking.set(false); // stays held; the next scan tries again
                        reparkWarnings.warn("{}: re-parking held event {} failed, it stays held: {}", owner,
                                entry.getValue().events[bit] == null ? "?" : entry.getValue().events[bit].getId(),
                                failure.toString());
                    } else if (forget(key, bit, h)) {
                        counters.reparked.increment();
                        h.ack.release();
                    }
                });
            }
        }
        synchronized (timers) {
            if (!closed) {
                reparkTask = scheduler.schedule(reparkScanInterval(), this::repark);
            }
        }
    }

    @Override
    public void forgetConsumed(String input, CloudEvent event) {
        Object key = bits.containsKey(input) ? keyOf(input, event) : null;
        if (key != null) {
            store.unconsumed(key, input, event.getId());
        }
    }

    @Override
    public void restoreHeld(String input, CloudEvent event, Acknowledgement ack) {
        Integer found = bits.get(input);
        Object key = found == null ? null : keyOf(input, event);
        if (key == null) {
            ack.release();
            return;
        }
        store.unconsumed(key, input, event.getId());
        int bit = found;
        long now = nanos(scheduler.now());
        Holding holding = new Holding(ack, now);
        while (true) {
            KeyState current = states.get(key);
            if (current != null && (current.held & (1L << bit)) != 0) {
                ack.release(); // a newer event of this input arrived meanwhile: latest wins
                return;
            }
            int n = names.length;
            long born = current != null ? current.born : births.incrementAndGet();
            CloudEvent[] events = current == null ? new CloudEvent[n] : current.events.clone();
            long[] arrived = current == null ? new long[n] : current.arrived.clone();
            Holding[] holds = current == null || current.holds == null ? new Holding[n] : current.holds.clone();
            events[bit] = event;
            arrived[bit] = now;
            holds[bit] = holding;
            KeyState next = new KeyState(born, (current == null ? 0 : current.held) | (1L << bit), events, arrived, holds);
            if (commit(key, current, next)) {
                if (current == null) {
                    admitted(key, born);
                }
                Object k = key;
                ack.whenReturned(() -> forget(k, bit, holding));
                return;
            }
        }
    }

    @Override
    public void releaseHeld() {
        for (Map.Entry<Object, KeyState> entry : states.entrySet()) {
            KeyState s = entry.getValue();
            if (s.holds != null && states.remove(entry.getKey(), s)) {
                dropped(entry.getKey(), s);
            }
        }
    }

    /**
     * The successor of {@code current} after an event of input {@code bit} that arrived at {@code arrival}, and what
     * fires. {@code holding}: the event's acknowledgement, or {@code null} on the plain path. Pure.
     */
    private Step step(KeyState current, int bit, CloudEvent event, long now, long arrival, long born, Holding holding) {
        int n = names.length;
        CloudEvent[] events = new CloudEvent[n];
        long[] arrived = new long[n];
        Holding[] holds = holding != null || (current != null && current.holds != null) ? new Holding[n] : null;
        List<Acknowledgement> released = null;
        long held = 0;
        int expired = 0;
        if (current != null) {
            for (int i = 0; i < n; i++) {
                long mask = 1L << i;
                if ((current.held & mask) == 0) {
                    continue;
                }
                Holding h = current.hold(i);
                if (windowNanos > 0 && now - current.arrived[i] > windowNanos) {
                    expired++;
                    released = add(released, h);
                    continue;
                }
                events[i] = current.events[i];
                arrived[i] = current.arrived[i];
                if (holds != null) {
                    holds[i] = h;
                }
                held |= mask;
            }
        }
        long mask = 1L << bit;
        if (holds != null) {
            released = add(released, holds[bit]); // latest wins: the replaced event is released
            holds[bit] = holding;
        }
        events[bit] = event;
        arrived[bit] = arrival;
        held |= mask;
        if (windowNanos > 0 && now - arrival > windowNanos) {
            // a re-parked copy whose original arrived longer ago than the window: it expires here
            held &= ~mask;
            events[bit] = null;
            arrived[bit] = 0;
            if (holds != null) {
                holds[bit] = null;
            }
            expired++;
            return new Step(held == 0 ? null : new KeyState(born, held, events, arrived, holds), null, expired,
                    released, null);
        }
        Map<String, CloudEvent> fired = null;
        List<HeldEvent> firedHolds = null;
        if ((mask & positive) != 0 && condition.test(held)) {
            long contributing = held & positive;
            fired = contributions(contributing, events);
            if (!levelTriggered) {
                held &= ~contributing;
                for (int i = 0; i < n; i++) {
                    if ((contributing & (1L << i)) != 0) {
                        if (holds != null) {
                            if (i != bit && holds[i] != null) {
                                if (firedHolds == null) {
                                    firedHolds = new ArrayList<>(2);
                                }
                                firedHolds.add(new HeldEvent(names[i], events[i], holds[i].ack));
                            }
                            holds[i] = null;
                        }
                        events[i] = null;
                        arrived[i] = 0;
                    }
                }
            }
        }
        return new Step(held == 0 ? null : new KeyState(born, held, events, arrived, holds), fired, expired, released,
                firedHolds);
    }

    private static List<Acknowledgement> add(List<Acknowledgement> list, Holding h) {
        if (h == null) {
            return list;
        }
        List<Acknowledgement> l = list == null ? new ArrayList<>(2) : list;
        l.add(h.ack);
        return l;
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
                dropped(ticket.key, s);
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
            KeyState pruned = without(s, s.held & ~live);
            boolean done = pruned == null ? states.remove(entry.getKey(), s) : states.replace(entry.getKey(), s, pruned);
            if (done) { // otherwise an offer changed the key meanwhile and pruned it itself
                counters.evicted.add(Long.bitCount(s.held & ~live));
                if (s.holds != null) {
                    for (int i = 0; i < names.length; i++) {
                        if ((live & (1L << i)) == 0 && s.holds[i] != null) {
                            s.holds[i].ack.release();
                        }
                    }
                }
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
                dropped(entry.getKey(), entry.getValue());
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
            if (reparkTask != null) {
                reparkTask.cancel();
            }
        }
        // Held events are not cleared: a replacement gate may share them (see Store); otherwise they go with the gate.
        if (!states.isEmpty()) {
            log.debug("{}: closed with {} correlation key(s) still waiting for condition '{}'", owner, states.size(),
                    condition);
        }
    }

    @Override
    public long heldEvents() {
        long sum = 0;
        for (KeyState s : states.values()) {
            sum += Long.bitCount(s.held);
        }
        return sum;
    }

    /** How many correlation keys hold events right now (for tests and diagnostics). */
    int keysHeld() {
        return states.size();
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
