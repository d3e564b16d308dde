package io.switchboard.test;

import io.cloudevents.CloudEvent;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.SubscriberStats;
import io.switchboard.api.Trigger;
import io.switchboard.core.RuntimeView;
import io.switchboard.core.Switchboard;
import io.switchboard.core.bus.InMemoryEventBus;
import io.switchboard.core.time.ManualScheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One test's Switchboard: the application's routes on in-memory buses, with a {@link ManualScheduler} for a clock,
 * a tracked executor for deliveries, and {@link Probe probes} to capture what handlers, dead-letter sinks and
 * replying sinks saw. Get one from {@link SwitchboardExtension}.
 *
 * <p><b>Determinism.</b> Every public operation returns once the runtime is idle: nothing runs or waits to run on
 * the runtime's executor or the harness's buses, and no timer is due. {@link #advance(Duration)} moves the clock from
 * one due timer to the next, letting the runtime settle after each — so cron ticks, window expiry, retry backoff,
 * batch and debounce flushes happen in order and without sleeping. Work a handler starts on threads of its own
 * (e.g. an {@code AsyncEventHandler} completing elsewhere) is outside that guarantee; probe assertions still wait for
 * it, boundedly.
 *
 * <p><b>Production buses and sources.</b> The runtime is built from the configuration the extension was given (the
 * application's own {@code Switchboard.Builder} configuration or trigger list) plus what the test adds. Every bus
 * declared by type ({@code bus(namespace, type, config)}) becomes an in-memory bus on the harness's clock, whatever
 * the type; a bus passed as an instance cannot be swapped and is refused unless it is in-memory. Sources created by
 * type can be replaced by inert stand-ins ({@link SwitchboardExtension#inertSources}); tests then emit as them with
 * {@link #emit(String, CloudEvent)}.
 *
 * <p>Not thread-safe: drive it from the test thread. Probes may be read from any thread.
 */
public class SwitchboardHarness {

    private static final Duration DRAIN_ON_CLOSE = Duration.ofMillis(100);
    private static final int MAX_TIMER_STEPS = 1_000_000;

    final List<Consumer<Switchboard.Builder>> configurations = new ArrayList<>();
    final Set<String> inertSourceTypes = new LinkedHashSet<>();
    final Set<String> busTypes = new LinkedHashSet<>();
    Instant startTime = new ManualScheduler().now();
    Duration timeout = Duration.ofSeconds(ProbeAssert.DEFAULT_TIMEOUT_SECONDS);

    // state of the current test
    private ManualScheduler clock;
    private TrackingExecutor executor;
    private final Map<String, Probe> probes = new LinkedHashMap<>();
    private final List<Consumer<Switchboard.Builder>> testConfigurations = new ArrayList<>();
    private final List<Trigger> testTriggers = new ArrayList<>();
    private Switchboard switchboard;

    SwitchboardHarness() {
    }

    // ------------------------------------------------------------------ lifecycle (driven by the extension)

    /** Prepares a fresh clock, executor and probe set for one test. */
    void open() {
        closeQuietly();
        clock = new ManualScheduler(startTime);
        executor = new TrackingExecutor("switchboard-test");
    }

    /** Closes the runtime and stops the harness's threads. */
    void closeQuietly() {
        try {
            if (switchboard != null) {
                switchboard.close();
            }
        } finally {
            switchboard = null;
            if (executor != null) {
                executor.shutdown();
            }
            executor = null;
            clock = null;
            probes.clear();
            testConfigurations.clear();
            testTriggers.clear();
        }
    }

    // ------------------------------------------------------------------ configuration

    /**
     * Adds configuration for this test's runtime (applied after the extension's). Only before the runtime starts.
     *
     * @throws IllegalStateException if the runtime has started (the first publish, emit, request, advance or
     *                               {@link #switchboard()} starts it)
     */
    public SwitchboardHarness configure(Consumer<Switchboard.Builder> configuration) {
        Objects.requireNonNull(configuration, "configuration");
        requireOpen();
        if (switchboard != null) {
            throw new IllegalStateException("the Switchboard of this test has started: configure(...) before the first"
                    + " publish/emit/request/advance/switchboard(), or add triggers with trigger(...)");
        }
        testConfigurations.add(configuration);
        return this;
    }

    /** Adds a trigger: to the configuration before the runtime starts, to the running runtime afterwards. */
    public SwitchboardHarness trigger(Trigger trigger) {
        Objects.requireNonNull(trigger, "trigger");
        requireOpen();
        if (switchboard == null) {
            testTriggers.add(trigger);
        } else {
            switchboard.addTrigger(trigger);
            awaitIdle();
        }
        return this;
    }

    /** The probe of this name in this test, created on first use. */
    public Probe probe(String name) {
        Objects.requireNonNull(name, "name");
        requireOpen();
        return probes.computeIfAbsent(name, Probe::named);
    }

    // ------------------------------------------------------------------ the runtime

    /**
     * Builds and starts this test's runtime. Called implicitly by the first operation that needs it.
     *
     * @throws IllegalStateException if it has started already, or the configuration passes a bus instance that is not
     *                               in-memory (the harness can only swap buses declared by type)
     */
    public Switchboard start() {
        requireOpen();
        if (switchboard != null) {
            throw new IllegalStateException("the Switchboard of this test has already started");
        }
        Switchboard built;
        try {
            built = build();
        } catch (ConfigurationException e) {
            throw new ConfigurationException(e.getMessage() + "\n(in the test harness: every bus declared by type runs"
                    + " in memory; production sources can be replaced with SwitchboardExtension.inertSources(..))", e);
        }
        List<String> instances = new ArrayList<>();
        built.runtime().buses().forEach((name, type) -> {
            if (!InMemoryEventBus.TYPE.equals(type)) {
                instances.add(name + " (" + type + ")");
            }
        });
        if (!instances.isEmpty()) {
            built.close();
            throw new IllegalStateException("the configuration passes bus instance(s) " + instances + " that the test"
                    + " harness cannot swap for in-memory ones: declare production buses by type, e.g."
                    + " builder.bus(\"orders\", \"kafka\", config), or let the configuration method take the bus as a"
                    + " parameter");
        }
        switchboard = built.start();
        awaitIdle();
        return switchboard;
    }

    private Switchboard build() {
        Switchboard.Builder b = Switchboard.builder();
        configurations.forEach(c -> c.accept(b));
        testConfigurations.forEach(c -> c.accept(b));
        testTriggers.forEach(b::trigger);
        // the harness's parts win over anything the configuration chose: every bus the runtime would create (declared
        // by type, or the default one) is an in-memory bus on the harness's clock and executor, whatever its type and
        // whether or not its module is on the test class path; its production settings are ignored
        b.replaceBuses((namespace, type) -> InMemoryEventBus.builder().scheduler(clock).executor(executor).build());
        for (String type : inertSourceTypes) {
            b.provider(StandIns.inertSource(type));
        }
        return b.scheduler(clock).executor(executor).drainTimeout(DRAIN_ON_CLOSE).build();
    }

    /** This test's runtime, started on first use. */
    public Switchboard switchboard() {
        requireOpen();
        return switchboard != null ? switchboard : start();
    }

    /** The operator view of this test's runtime (counters per subscriber). */
    public RuntimeView runtime() {
        return switchboard().runtime();
    }

    /** The counters of one subscriber, once the runtime is idle. */
    public SubscriberStats stats(String trigger, String subscriber) {
        awaitIdle();
        return runtime().stats(trigger, subscriber);
    }

    // ------------------------------------------------------------------ events

    /**
     * Publishes an application event, waits until the bus accepted it and the runtime is idle.
     *
     * @return the published event
     * @throws io.switchboard.api.PublishRejectedException if the runtime did not accept it
     */
    public CloudEvent publish(CloudEvent event) {
        Objects.requireNonNull(event, "event");
        await(switchboard().publish(event), "publish of event " + event.getId());
        awaitIdle();
        return event;
    }

    /** Builds the fixture and {@link #publish(CloudEvent) publishes} it. */
    public CloudEvent publish(Events.Fixture event) {
        return publish(Objects.requireNonNull(event, "event").build());
    }

    /**
     * Emits an event as the named source (a registered source, e.g. an inert stand-in of a production one), waits until
     * it was accepted and the runtime is idle.
     *
     * @return the emitted event
     */
    public CloudEvent emit(String source, CloudEvent event) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(event, "event");
        await(switchboard().publish(source, event), "emit of event " + event.getId() + " as source '" + source + "'");
        awaitIdle();
        return event;
    }

    /** Builds the fixture and {@link #emit(String, CloudEvent) emits} it. */
    public CloudEvent emit(String source, Events.Fixture event) {
        return emit(source, Objects.requireNonNull(event, "event").build());
    }

    /**
     * Request/reply: routes the event to the one replying subscriber and returns its reply.
     *
     * @throws io.switchboard.api.RequestFailedException if there is no reply (no match, handler failed, no reply)
     */
    public CloudEvent request(CloudEvent event) {
        Objects.requireNonNull(event, "event");
        CloudEvent reply = await(switchboard().request(event, timeout), "request " + event.getId());
        awaitIdle();
        return reply;
    }

    /** Builds the fixture and sends it as a {@link #request(CloudEvent) request}. */
    public CloudEvent request(Events.Fixture event) {
        return request(Objects.requireNonNull(event, "event").build());
    }

    // ------------------------------------------------------------------ time

    /** The manual clock of this test; prefer {@link #advance(Duration)} to moving it directly. */
    public ManualScheduler clock() {
        requireOpen();
        return clock;
    }

    /** The current instant of the manual clock. */
    public Instant now() {
        return clock().now();
    }

    /**
     * Moves the clock forward by {@code amount}, one due timer at a time, letting the runtime settle after each.
     *
     * @throws IllegalArgumentException if {@code amount} is negative
     */
    public SwitchboardHarness advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("time only moves forward; got " + amount);
        }
        return advanceTo(now().plus(amount));
    }

    /** Moves the clock forward to {@code target}, one due timer at a time, letting the runtime settle after each. */
    public SwitchboardHarness advanceTo(Instant target) {
        Objects.requireNonNull(target, "target");
        switchboard();
        if (target.isBefore(now())) {
            throw new IllegalArgumentException("time only moves forward; " + target + " is before " + now());
        }
        awaitIdle();
        for (int step = 0; step < MAX_TIMER_STEPS; step++) {
            List<Instant> due = clock.pendingDueTimes();
            Instant next = due.isEmpty() ? null : due.get(0);
            if (next == null || next.isAfter(target)) {
                clock.advanceTo(target);
                awaitIdle();
                return this;
            }
            clock.advanceTo(next.isBefore(clock.now()) ? clock.now() : next);
            awaitIdle();
        }
        throw new IllegalStateException("more than " + MAX_TIMER_STEPS + " timers fired on the way to " + target
                + ": something reschedules itself without delay");
    }

    /**
     * Waits until the runtime is idle: no task queued or running on its executor or the harness's buses, and no timer
     * due at the current instant (due timers are run here, on the calling thread).
     *
     * @throws AssertionError if it is still busy after the harness's timeout (a handler blocked, or looping)
     */
    public SwitchboardHarness awaitIdle() {
        requireOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (hasDueTimer()) {
                clock.runDue();
                continue;
            }
            if (executor.unfinished() == 0 && !hasDueTimer()) {
                return this;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the Switchboard of this test is still busy after " + timeout + ": "
                        + executor.unfinished() + " task(s) queued or running (a handler blocked or looping?)");
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
    }

    private boolean hasDueTimer() {
        List<Instant> due = clock.pendingDueTimes();
        return !due.isEmpty() && !due.get(0).isAfter(clock.now());
    }

    /** How long operations of this harness (and probe assertions made through it) wait at most. */
    public Duration timeout() {
        return timeout;
    }

    /** A multi-line account of probes, subscriber counters and pending timers, for failure messages. */
    public String describe() {
        StringBuilder s = new StringBuilder("Switchboard test harness at ").append(clock == null ? "-" : clock.now());
        probes.values().forEach(p -> s.append("\n  ").append(p));
        if (switchboard != null) {
            for (SubscriberStats st : switchboard.runtime().stats()) {
                s.append("\n  ").append(st);
            }
        }
        if (clock != null) {
            s.append("\n  pending timers: ").append(clock.pendingDueTimes());
        }
        return s.toString();
    }

    private <T> T await(CompletionStage<T> stage, String what) {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(what + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not complete within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + what, e);
        }
    }

    /** Whether a test is running with this harness (between the extension's before- and after-each callbacks). */
    boolean testIsOpen() {
        return clock != null;
    }

    private void requireOpen() {
        if (clock == null) {
            throw new IllegalStateException("the Switchboard test harness is used outside a test: use it in a test"
                    + " method or @BeforeEach, with the extension registered (@RegisterExtension or @SwitchboardTest)");
        }
    }
}
