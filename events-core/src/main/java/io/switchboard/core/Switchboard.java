package io.switchboard.core;

import io.cloudevents.CloudEvent;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventBus;
import io.switchboard.api.EventSource;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.RequestFailedException;
import io.switchboard.api.Scheduler;
import io.switchboard.api.SourceContext;
import io.switchboard.api.SubscriberStats;
import io.switchboard.api.Subscription;
import io.switchboard.api.SwitchboardException;
import io.switchboard.api.Trigger;
import io.switchboard.api.TriggerInput;
import io.switchboard.core.bus.InMemoryEventBus;
import io.switchboard.core.config.ConfigurationProblems;
import io.switchboard.core.config.ConfigurationProblems.Problem;
import io.switchboard.core.internal.config.ConfigBinder;
import io.switchboard.core.internal.dispatch.CorrelationHop;
import io.switchboard.core.internal.dispatch.CorrelationInlet;
import io.switchboard.core.internal.dispatch.Dispatcher;
import io.switchboard.core.internal.dispatch.Dispatcher.BusTopic;
import io.switchboard.core.internal.dispatch.Dispatcher.Registration;
import io.switchboard.core.internal.data.DataSupport;
import io.switchboard.core.internal.dispatch.RoutingTable;
import io.switchboard.core.internal.dispatch.Stages;
import io.switchboard.core.internal.dispatch.SubscriberDispatch;
import io.switchboard.core.internal.dispatch.TopicRouter;
import io.switchboard.core.internal.http.HttpSinks;
import io.switchboard.spi.EventBusProvider;
import io.switchboard.spi.EventSourceProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An embedded Switchboard: event sources publish to buses, a topic per source; the runtime consumes each topic some
 * trigger reads (once per bus and topic, as consumer group {@link Builder#group}), routes every event through the
 * topic's indexed routing table to the triggers' inputs, and delivers firings to subscribers — inline or through
 * bounded, per-key ordered queues — under their delivery policy.
 *
 * <pre>{@code
 * try (Switchboard sb = Switchboard.builder()
 *         .trigger(Trigger.builder("orders")
 *             .input("created", "type = 'order.created'")
 *             .subscriber("print", null, Sink.handler(e -> System.out.println(e.getId())))
 *             .build())
 *         .build()
 *         .start()) {
 *     sb.publish(event).toCompletableFuture().join();
 * }
 * }</pre>
 *
 * <p><b>Acknowledgement.</b> The bus acknowledges an event only after every firing it caused was accepted and, for
 * asynchronous subscribers (and sinks that complete later), finished — delivered, or given up by the delivery
 * pipeline (dead-lettered). One exception: a subscriber that batches or debounces counts as done once the firing is
 * in its buffer (otherwise a bus would hold a key's next event until that key's batch finished; see
 * {@code Subscriber.Builder.batch}). A handler's failure never reaches the publisher or another subscriber; it is
 * retried, dead-lettered, logged and counted by the subscriber's pipeline. A subscriber whose queue is full fails the
 * event's delivery with {@link PublishRejectedException} (counted as {@code rejected}), and a firing whose dead-letter
 * sink failed too leaves the event unsettled; in both cases the bus redelivers it.
 *
 * <p><b>Sources and buses.</b> Events published by the application ({@link #publish(CloudEvent)}) belong to source
 * {@value TriggerInput#APPLICATION}. A source's events go to the topic named after the source on every bus some trigger
 * reads that source from (on the default bus when no trigger reads it).
 *
 * <p><b>Several instances.</b> Instances of one application on one durable bus, built alike and sharing a
 * {@link Builder#group group}, behave as one (docs/scaling.md): a correlated subscriber re-keys its inputs through an
 * internal correlation topic so that partners meet on one member, and keeps the events it holds unacknowledged on the
 * bus; ticks of sources that are {@linkplain EventSource#identicalAcrossInstances() identical across instances} are
 * published under one key and handled once.
 *
 * <p>Thread-safe. Publishing and dispatch never lock; adding, replacing and removing triggers serialise among
 * themselves only.
 */
public final class Switchboard implements AutoCloseable {

    /** The name of the default bus. */
    public static final String DEFAULT_BUS = "default";
    /** The default consumer-group name. */
    public static final String DEFAULT_GROUP = "switchboard";
    /** How long a held event stays unacknowledged before it is re-parked, unless {@link Builder#reparkHeldAfter} says. */
    public static final Duration DEFAULT_REPARK_AFTER = Duration.ofMinutes(10);

    private static final Logger log = LoggerFactory.getLogger(Switchboard.class);

    private final Map<String, EventBus> buses;
    private final Set<EventBus> ownedBuses;
    private final Map<String, EventSource> sources;
    private final Scheduler scheduler;
    private final ScheduledThreadPoolExecutor ownedScheduler;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final String group;
    private final Duration drainTimeout;
    private final TriggerAssembler assembler;
    private final Dispatcher dispatcher;
    private final Object lifecycle = new Object();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final List<EventSource> startedSources = new ArrayList<>();
    private final Set<SubscriberDispatch> retiring = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Consumers of the correlation topics of cross-instance subscribers, by bus and topic; see {@link CorrelationHop}. */
    private final Map<BusTopic, CorrelationInlet> inlets = new java.util.concurrent.ConcurrentHashMap<>();
    /** Sources whose events are identical across instances: published under their name as key, consumed once. */
    private final Set<String> identicalSources;
    private final RuntimeView view = new View();
    private volatile RuntimeView.State state = RuntimeView.State.NEW;
    private volatile Map<String, EventBus[]> publishTargets = Map.of();
    /**
     * The one bus application events go to while running, or {@code null} when not running or when they go to several
     * buses: lets {@link #publish(CloudEvent)} skip the source check, the state check and the target lookup with one
     * volatile read. Written with {@link #state} and {@link #publishTargets}, under {@link #lifecycle}.
     */
    private volatile EventBus applicationBus;
    private volatile DrainReport drainReport;
    private final Observation observation;
    /** The shared HTTP client of the HTTP sinks; released after the subscribers drained. */
    private final HttpSinks httpSinks;

    private Switchboard(Builder b, Map<String, EventBus> buses, Set<EventBus> ownedBuses,
                        Map<String, EventSource> sources, Scheduler scheduler, ScheduledThreadPoolExecutor ownedScheduler,
                        Executor executor, ExecutorService ownedExecutor, Observation observation,
                        HttpSinks httpSinks, DataSupport data) {
        this.observation = observation;
        this.buses = buses;
        this.ownedBuses = ownedBuses;
        this.sources = sources;
        this.scheduler = scheduler;
        this.ownedScheduler = ownedScheduler;
        this.executor = executor;
        this.ownedExecutor = ownedExecutor;
        this.group = b.group;
        this.drainTimeout = b.drainTimeout;
        this.httpSinks = httpSinks;
        this.assembler = new TriggerAssembler(buses, () -> sources.keySet(), scheduler, executor, b.group, b.reparkAfter,
                observation, httpSinks, data);
        Set<String> identical = new java.util.HashSet<>();
        sources.values().forEach(s -> {
            if (s.identicalAcrossInstances()) {
                identical.add(s.name());
            }
        });
        this.identicalSources = Set.copyOf(identical);
        this.dispatcher = new Dispatcher(this::onNewRouter);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts consuming every bus topic the triggers read, then starts the sources (in registration order).
     *
     * @return this
     * @throws IllegalStateException if already started or closed
     * @throws SwitchboardException  if a source or a subscription could not start (everything started is stopped)
     */
    public Switchboard start() {
        synchronized (lifecycle) {
            if (state != RuntimeView.State.NEW) {
                throw new IllegalStateException("Switchboard is " + state + ": start() may be called once, after build()");
            }
            state = RuntimeView.State.RUNNING;
            refreshApplicationBus();
            try {
                for (TopicRouter router : dispatcher.routers()) {
                    subscribe(router);
                }
                for (CorrelationInlet inlet : inlets.values()) {
                    subscribe(inlet);
                }
                for (EventSource source : sources.values()) {
                    try {
                        source.start(new SwitchboardSourceContext(this, source.name()));
                    } catch (Exception e) {
                        throw new SwitchboardException("source '" + source.name() + "' failed to start: " + e.getMessage()
                                + " — check its configuration (port, broker address) and that it is reachable", e);
                    }
                    startedSources.add(source);
                }
            } catch (RuntimeException e) {
                shutdown();
                throw e;
            }
        }
        log.info("Switchboard started: {} trigger(s), {} source(s), buses {}", dispatcher.registrations().size(),
                sources.size(), buses.keySet());
        return this;
    }

    /**
     * Publishes an event of the application (source {@value TriggerInput#APPLICATION}).
     *
     * @return a stage that completes when the bus accepted the event, or exceptionally with
     *         {@link PublishRejectedException} (bus full, not started, closed)
     */
    public CompletionStage<Void> publish(CloudEvent event) {
        EventBus bus = applicationBus;
        if (bus != null) {
            return bus.publish(TriggerInput.APPLICATION, Objects.requireNonNull(event, "event"));
        }
        return publish(TriggerInput.APPLICATION, event);
    }

    /**
     * Publishes an event as source {@code source}: to the topic {@code source} of every bus some trigger reads it from
     * (the default bus when none does).
     *
     * @throws IllegalArgumentException if {@code source} is neither {@value TriggerInput#APPLICATION} nor registered
     */
    public CompletionStage<Void> publish(String source, CloudEvent event) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(event, "event");
        if (!TriggerInput.APPLICATION.equals(source) && !sources.containsKey(source)) {
            throw new IllegalArgumentException("unknown source '" + source + "': publish as '"
                    + TriggerInput.APPLICATION + "' or register the source with Switchboard.builder().source(...);"
                    + " registered sources: " + sources.keySet());
        }
        RuntimeView.State s = state;
        if (s != RuntimeView.State.RUNNING) {
            return Stages.failed(new PublishRejectedException(s == RuntimeView.State.NEW
                    ? "Switchboard is not started: call start() before publishing (event " + event.getId() + ")"
                    : "Switchboard is closed: event " + event.getId() + " was not accepted"));
        }
        EventBus[] targets = publishTargets.get(source);
        boolean keyed = identicalSources.contains(source);
        if (targets == null) {
            return publishTo(buses.get(DEFAULT_BUS), source, event, keyed);
        }
        if (targets.length == 1) {
            return publishTo(targets[0], source, event, keyed);
        }
        CompletableFuture<?>[] all = new CompletableFuture<?>[targets.length];
        for (int i = 0; i < targets.length; i++) {
            all[i] = publishTo(targets[i], source, event, keyed).toCompletableFuture();
        }
        return CompletableFuture.allOf(all);
    }

    /**
     * {@code keyed}: the source's events are identical across instances, so every copy of one goes under the source's
     * name as partition key to one member of the group, which handles it once (see {@link TopicRouter#deduplicate}).
     */
    private static CompletionStage<Void> publishTo(EventBus bus, String source, CloudEvent event, boolean keyed) {
        if (keyed && bus.capabilities().contains(io.switchboard.api.BusCapability.CONSUMER_GROUPS)) {
            return bus.publish(source, event, source);
        }
        return bus.publish(source, event);
    }

    /**
     * Request/reply: routes {@code event} as an application event to the one replying subscriber
     * ({@link io.switchboard.api.Sink#replying}) whose input filter accepts it, runs its delivery pipeline directly
     * (not through the bus or its queue) and completes with the reply.
     *
     * @return a stage completing with the reply, or exceptionally with {@link RequestFailedException}:
     *         {@code NO_MATCH}, {@code SEVERAL_MATCHES}, {@code TIMEOUT}, {@code HANDLER_FAILED} or {@code NO_REPLY}
     */
    public CompletionStage<CloudEvent> request(CloudEvent event, Duration timeout) {
        return request(TriggerInput.APPLICATION, null, event, timeout);
    }

    CompletionStage<CloudEvent> request(String source, String trigger, CloudEvent event, Duration timeout) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("request timeout must be positive, got " + timeout);
        }
        if (state == RuntimeView.State.CLOSED) {
            return Stages.failed(new RequestFailedException(RequestFailedException.Reason.NO_MATCH,
                    "Switchboard is closed: request " + event.getId() + " was not routed"));
        }
        List<RoutingTable.Match> found = new ArrayList<>();
        for (TopicRouter router : dispatcher.routers()) {
            if (router.topic().equals(source)) {
                router.table().collectRepliers(event, trigger, found);
            }
        }
        Map<SubscriberDispatch, RoutingTable.Match> matches = new LinkedHashMap<>();
        for (RoutingTable.Match m : found) {
            matches.putIfAbsent(m.subscriber(), m);
        }
        String what = "request " + event.getId() + " (type '" + event.getType() + "', source '" + event.getSource()
                + "') from source '" + source + "'" + (trigger == null ? "" : " for trigger '" + trigger + "'");
        if (matches.isEmpty()) {
            return Stages.failed(new RequestFailedException(RequestFailedException.Reason.NO_MATCH,
                    what + " matched no replying subscriber: add a subscriber with Sink.replying(...) to a trigger"
                            + " whose input reads '" + source + "' with a filter that accepts the event"));
        }
        if (matches.size() > 1) {
            List<String> names = new ArrayList<>();
            matches.values().forEach(m -> names.add(m.subscriber() + " (input '" + m.input() + "')"));
            return Stages.failed(new RequestFailedException(RequestFailedException.Reason.SEVERAL_MATCHES,
                    what + " matched " + names.size() + " replying subscribers " + names
                            + ": narrow their filters so that exactly one replies"));
        }
        RoutingTable.Match match = matches.values().iterator().next();
        if (match.dataCheck() != null) {
            io.switchboard.api.InvalidDataException invalid = match.dataCheck().validate(event);
            if (invalid != null) {
                return Stages.failed(new RequestFailedException(RequestFailedException.Reason.INVALID_DATA,
                        what + " was refused by the JSON Schema of input '" + match.input() + "': "
                                + invalid.getMessage(), invalid));
            }
        }
        CompletionStage<CloudEvent> stage = match.subscriber().request(match.input(), event);
        if (stage == null) {
            return Stages.failed(new RequestFailedException(RequestFailedException.Reason.NO_MATCH,
                    what + " reached subscriber " + match.subscriber() + " through input '" + match.input()
                            + "' but its condition did not fire (it waits for other inputs)"));
        }
        CompletableFuture<CloudEvent> reply = new CompletableFuture<>();
        Scheduler.Cancellable timer = scheduler.schedule(timeout, () -> reply.completeExceptionally(
                new RequestFailedException(RequestFailedException.Reason.TIMEOUT, what + ": subscriber "
                        + match.subscriber() + " did not reply within " + timeout, new TimeoutException())));
        stage.whenComplete((answer, failure) -> {
            timer.cancel();
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                reply.completeExceptionally(new RequestFailedException(RequestFailedException.Reason.HANDLER_FAILED,
                        what + ": subscriber " + match.subscriber() + " failed: " + cause, cause));
            } else if (answer == null) {
                reply.completeExceptionally(new RequestFailedException(RequestFailedException.Reason.NO_REPLY,
                        what + ": subscriber " + match.subscriber() + " returned no reply event"));
            } else {
                reply.complete(TraceContext.carry(event, answer));
            }
        });
        return reply;
    }

    /**
     * Adds a trigger at runtime. Events routed after this returns meet it.
     *
     * @throws ConfigurationException if it is invalid or its name is taken (use {@link #replaceTrigger})
     */
    public void addTrigger(Trigger trigger) {
        Objects.requireNonNull(trigger, "trigger");
        synchronized (lifecycle) {
            requireOpen();
            if (dispatcher.registration(trigger.name()) != null) {
                throw new ConfigurationException("trigger '" + trigger.name() + "' already exists: use replaceTrigger(..)"
                        + " to change it, or give the new trigger another name");
            }
            Registration added = assembler.assembleOrThrow(trigger, null);
            dispatcher.install(added);
            connectInlets(added, null);
            refreshPublishTargets();
        }
    }

    /**
     * Replaces the trigger of the same name atomically: every event meets either the old or the new version, never
     * both, never neither. The old version's accepted firings finish under its old policy; a subscriber of the same
     * name keeps the correlation state (held input events) of its predecessor.
     *
     * @return a stage that completes when the old version has finished its accepted firings and closed
     * @throws ConfigurationException if the new version is invalid (the old one stays) or no trigger has that name
     */
    public CompletionStage<Void> replaceTrigger(Trigger trigger) {
        Objects.requireNonNull(trigger, "trigger");
        synchronized (lifecycle) {
            requireOpen();
            Registration current = dispatcher.registration(trigger.name());
            if (current == null) {
                throw new ConfigurationException("no trigger named '" + trigger.name() + "' to replace: use"
                        + " addTrigger(..); live triggers: " + view.triggers());
            }
            Registration next = assembler.assembleOrThrow(trigger, current);
            Registration old = dispatcher.install(next);
            connectInlets(next, old);
            refreshPublishTargets();
            return retire(old);
        }
    }

    /**
     * Removes a trigger. Events routed after this returns no longer meet it; its accepted firings finish.
     *
     * @return a stage that completes when its accepted firings finished and it closed
     * @throws IllegalArgumentException if no trigger has that name
     */
    public CompletionStage<Void> removeTrigger(String name) {
        Objects.requireNonNull(name, "name");
        synchronized (lifecycle) {
            requireOpen();
            Registration old = dispatcher.remove(name);
            if (old == null) {
                throw new IllegalArgumentException("no trigger named '" + name + "'; live triggers: " + view.triggers());
            }
            connectInlets(null, old);
            refreshPublishTargets();
            return retire(old);
        }
    }

    /** The operator view: state, triggers, buses and per-subscriber counters. */
    public RuntimeView runtime() {
        return view;
    }

    /** The clock and scheduler of this runtime. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * The context through which source {@code sourceName} emits (the one its {@code start} receives). Useful for
     * sources driven from outside, and in tests.
     *
     * @throws IllegalArgumentException if the source is neither {@value TriggerInput#APPLICATION} nor registered
     */
    public SourceContext sourceContext(String sourceName) {
        if (!TriggerInput.APPLICATION.equals(sourceName) && !sources.containsKey(sourceName)) {
            throw new IllegalArgumentException("unknown source '" + sourceName + "'; registered sources: "
                    + sources.keySet());
        }
        return new SwitchboardSourceContext(this, sourceName);
    }

    /** The report of the last {@link #shutdown()}, or {@code null} while open. */
    public DrainReport drainReport() {
        return drainReport;
    }

    /** Same as {@link #shutdown()}. */
    @Override
    public void close() {
        shutdown();
    }

    /**
     * Closes the runtime: stops the sources, lets in-memory buses hand over what they buffered, stops consuming,
     * waits up to the drain timeout for accepted firings to finish, closes pipelines and gates, closes the buses it
     * created and stops its threads. What could not be drained is logged and returned. Idempotent: later calls return
     * the first report.
     */
    public DrainReport shutdown() {
        synchronized (lifecycle) {
            if (drainReport != null) {
                return drainReport;
            }
            state = RuntimeView.State.CLOSED;
            applicationBus = null;
            long started = System.nanoTime();
            long deadline = started + drainTimeout.toNanos();
            for (EventSource source : startedSources) {
                try {
                    source.close();
                } catch (Exception e) {
                    log.warn("source '{}' failed to close cleanly", source.name(), e);
                }
            }
            startedSources.clear();
            long busLeft = waitForBuses(deadline);
            for (Subscription s : subscriptions) {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    log.warn("closing subscription {} failed", s, e);
                }
            }
            subscriptions.clear();
            List<SubscriberDispatch> all = new ArrayList<>(retiring);
            for (Registration r : dispatcher.registrations()) {
                all.addAll(r.subscribers());
            }
            for (SubscriberDispatch d : all) {
                if (d.hop() != null) {
                    d.hop().close(); // held events whose copies still fail are redelivered by the bus
                }
            }
            List<CompletableFuture<Void>> closing = new ArrayList<>();
            for (SubscriberDispatch d : all) {
                closing.add(d.retire().toCompletableFuture());
            }
            try {
                CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
                        .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // reported below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.warn("closing subscribers failed", e);
            }
            Map<String, Long> undrained = new LinkedHashMap<>();
            for (SubscriberDispatch d : all) {
                long left = d.undrained();
                if (left > 0) {
                    undrained.merge(d.toString(), left, Long::sum);
                }
            }
            httpSinks.close(deadline);
            for (EventBus bus : ownedBuses) {
                try {
                    bus.close();
                } catch (RuntimeException e) {
                    log.warn("closing bus {} failed", bus, e);
                }
            }
            if (ownedExecutor != null) {
                ownedExecutor.shutdown();
                try {
                    if (!ownedExecutor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        ownedExecutor.shutdownNow();
                    }
                } catch (InterruptedException e) {
                    ownedExecutor.shutdownNow();
                    Thread.currentThread().interrupt();
                }
            }
            if (ownedScheduler != null) {
                ownedScheduler.shutdownNow();
            }
            DrainReport report = new DrainReport(undrained.isEmpty() && busLeft == 0,
                    Duration.ofNanos(System.nanoTime() - started), undrained, busLeft);
            if (report.complete()) {
                log.info("Switchboard closed: {}", report);
            } else {
                log.warn("Switchboard closed after its drain timeout of {}: {} — raise drainTimeout(..) or make"
                        + " handlers finish faster", drainTimeout, report);
            }
            drainReport = report;
            return report;
        }
    }

    /** Waits until in-memory buses handed over their buffered events for our group; returns what is left. */
    private long waitForBuses(long deadline) {
        long left = 0;
        for (TopicRouter router : dispatcher.routers()) {
            if (buses.get(router.bus()) instanceof InMemoryEventBus memory) {
                try {
                    left += memory.awaitDelivered(router.topic(), group, deadline); // woken by the bus, no polling
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    left += memory.pending(router.topic(), group);
                }
            }
        }
        return left;
    }

    private CompletionStage<Void> retire(Registration old) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (SubscriberDispatch d : old.subscribers()) {
            retiring.add(d);
            done.add(d.retire().toCompletableFuture().whenComplete((v, e) -> retiring.remove(d)));
        }
        return CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0]));
    }

    private void requireOpen() {
        if (state == RuntimeView.State.CLOSED) {
            throw new IllegalStateException("Switchboard is closed: triggers can no longer be changed");
        }
    }

    /** Called by the dispatcher (under its write lock) for every new bus topic; subscribes it when running. */
    private void onNewRouter(TopicRouter router) {
        if (identicalSources.contains(router.topic())) {
            router.deduplicate();
        }
        if (state == RuntimeView.State.RUNNING) {
            subscribe(router);
        }
    }

    private void subscribe(TopicRouter router) {
        EventBus bus = buses.get(router.bus());
        Subscription s = bus.subscribe(router.topic(), group, router);
        synchronized (subscriptions) {
            subscriptions.add(s);
        }
    }

    private void subscribe(CorrelationInlet inlet) {
        Subscription s = buses.get(inlet.bus()).subscribe(inlet.topic(), group, inlet);
        synchronized (subscriptions) {
            subscriptions.add(s);
        }
    }

    /**
     * Points the correlation topics of {@code now}'s cross-instance subscribers at them (creating and, when running,
     * subscribing their consumers), and lets go of those of {@code before} (replaced or removed) that no successor
     * takes over: their topics' copies are then skipped, and the events their gates held are released unless the
     * successor's gate shares them. Callers hold {@link #lifecycle}.
     */
    private void connectInlets(Registration now, Registration before) {
        Map<String, SubscriberDispatch> successors = new LinkedHashMap<>();
        if (now != null) {
            for (SubscriberDispatch d : now.subscribers()) {
                successors.put(d.subscriber(), d);
                CorrelationHop hop = d.hop();
                if (hop == null) {
                    continue;
                }
                BusTopic bt = new BusTopic(hop.busName(), hop.topic());
                CorrelationInlet inlet = inlets.get(bt);
                if (inlet == null) {
                    inlet = new CorrelationInlet(hop.busName(), hop.topic());
                    inlet.target(d);
                    inlets.put(bt, inlet);
                    if (state == RuntimeView.State.RUNNING) {
                        subscribe(inlet);
                    }
                } else {
                    inlet.target(d);
                }
            }
        }
        if (before == null) {
            return;
        }
        for (SubscriberDispatch old : before.subscribers()) {
            SubscriberDispatch next = successors.get(old.subscriber());
            CorrelationHop hop = old.hop();
            if (hop != null && (next == null || next.hop() == null || !next.hop().topic().equals(hop.topic()))) {
                CorrelationInlet inlet = inlets.get(new BusTopic(hop.busName(), hop.topic()));
                if (inlet != null && inlet.target() == old) {
                    inlet.target(null);
                }
            }
            if (next == null || !next.gate().sharesHeld(old.gate())) {
                old.gate().releaseHeld();
            }
        }
    }

    private void refreshPublishTargets() {
        Map<String, Set<String>> topicBuses = new LinkedHashMap<>();
        for (Registration r : dispatcher.registrations()) {
            for (BusTopic bt : r.routes().keySet()) {
                topicBuses.computeIfAbsent(bt.topic(), k -> new LinkedHashSet<>()).add(bt.bus());
            }
        }
        Map<String, EventBus[]> targets = new LinkedHashMap<>();
        topicBuses.forEach((topic, names) -> targets.put(topic, names.stream().map(buses::get).toArray(EventBus[]::new)));
        publishTargets = Map.copyOf(targets);
        refreshApplicationBus();
    }

    private void refreshApplicationBus() {
        if (state != RuntimeView.State.RUNNING) {
            applicationBus = null;
            return;
        }
        EventBus[] targets = publishTargets.get(TriggerInput.APPLICATION);
        applicationBus = targets == null ? buses.get(DEFAULT_BUS) : targets.length == 1 ? targets[0] : null;
    }

    /** The monitoring side of this runtime (source counters, observers). */
    Observation observation() {
        return observation;
    }

    private final class View implements RuntimeView {
        @Override
        public State state() {
            return state;
        }

        @Override
        public List<String> triggers() {
            return dispatcher.registrations().stream().map(Registration::trigger).toList();
        }

        @Override
        public List<String> sources() {
            return List.copyOf(sources.keySet());
        }

        @Override
        public Map<String, String> buses() {
            Map<String, String> types = new LinkedHashMap<>();
            buses.forEach((name, bus) -> types.put(name, bus.type()));
            return types;
        }

        @Override
        public List<SubscriberStats> stats() {
            List<SubscriberStats> all = new ArrayList<>();
            for (Registration r : dispatcher.registrations()) {
                for (SubscriberDispatch d : r.subscribers()) {
                    all.add(d.counters().snapshot(d.trigger(), d.subscriber()));
                }
            }
            return all;
        }

        @Override
        public SubscriberStats stats(String trigger, String subscriber) {
            return find(trigger, subscriber).counters().snapshot(trigger, subscriber);
        }

        private SubscriberDispatch find(String trigger, String subscriber) {
            Registration r = dispatcher.registration(trigger);
            if (r == null) {
                throw new IllegalArgumentException("no live trigger named '" + trigger + "'; live triggers: " + triggers());
            }
            for (SubscriberDispatch d : r.subscribers()) {
                if (d.subscriber().equals(subscriber)) {
                    return d;
                }
            }
            throw new IllegalArgumentException("trigger '" + trigger + "' has no subscriber named '" + subscriber
                    + "'; its subscribers: " + r.subscribers().stream().map(SubscriberDispatch::subscriber).toList());
        }

        @Override
        public long poisoned() {
            long sum = 0;
            for (TopicRouter router : dispatcher.routers()) {
                sum += router.poisoned();
            }
            return sum;
        }

        @Override
        public long heldEvents() {
            long sum = 0;
            for (Registration r : dispatcher.registrations()) {
                for (SubscriberDispatch d : r.subscribers()) {
                    sum += d.gate().heldEvents();
                }
            }
            return sum;
        }

        @Override
        public long skippedCopies() {
            long sum = 0;
            for (TopicRouter router : dispatcher.routers()) {
                sum += router.skippedCopies();
            }
            return sum;
        }

        // monitoring views: computed in Observation, kept out of the dispatch code
        @Override
        public List<SubscriberLoad> loads() {
            return observation.loads(dispatcher.registrations());
        }

        @Override
        public SubscriberLoad load(String trigger, String subscriber) {
            return observation.load(find(trigger, subscriber));
        }

        @Override
        public List<SourceStats> sourceStats() {
            return observation.sourceStats(sources.keySet());
        }

        @Override
        public Map<String, List<String>> consumedTopics() {
            return Observation.consumedTopics(dispatcher.routers());
        }

        @Override
        public String group() {
            return group;
        }

        @Override
        public java.util.OptionalLong consumerLag(String bus, String topic) {
            EventBus b = buses.get(bus);
            if (b == null) {
                throw new IllegalArgumentException("no bus named '" + bus + "'; buses: " + buses.keySet());
            }
            return Observation.consumerLag(b, topic, group);
        }

        @Override
        public RuntimeHealth health() {
            return observation.health(state, drainReport != null, sources.keySet(), buses, dispatcher.registrations());
        }
    }

    /**
     * Builds a {@link Switchboard}. Setters check their argument; {@link #build()} checks the whole configuration once
     * and reports every mistake in one {@link ConfigurationException}. Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, Object> busSpecs = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();
        private final Map<String, EventBusProvider> busProviders = new LinkedHashMap<>();
        private final Map<String, EventSourceProvider> sourceProviders = new LinkedHashMap<>();
        private final List<Object> sourceSpecs = new ArrayList<>();
        private final List<Trigger> triggers = new ArrayList<>();
        private Scheduler scheduler;
        private Executor executor;
        private String group = DEFAULT_GROUP;
        private Duration drainTimeout = Duration.ofSeconds(10);
        private BusReplacement busReplacement = (namespace, type) -> null;
        private Duration reparkAfter = DEFAULT_REPARK_AFTER;
        private final List<RuntimeObserver> observers = new ArrayList<>();
        private final List<ConfigBinder.File> configFiles = new ArrayList<>();
        private final List<Problem> fileProblems = new ArrayList<>();
        private final Map<String, io.switchboard.api.Sink> handlers = new LinkedHashMap<>();
        private java.util.function.Function<String, String> environment = System::getenv;
        private boolean dataFilters;
        private int dataMaxBytes = -1;
        private int dataMaxDepth = -1;
        private com.fasterxml.jackson.databind.ObjectMapper objectMapper;
        private final Map<String, io.switchboard.api.JsonSchema> schemas = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds the buses, event sources and triggers of a configuration file ({@code switchboard.yaml}, or JSON; see
         * docs/configuration.md). The file is read now and checked at {@link #build()}, together with everything
         * else: its sinks name handlers bound with {@link #handler(String, io.switchboard.api.Sink)}, and
         * {@code ${VAR:default}} in its values is replaced from {@link #environment}. Several files and builder calls
         * combine; names must not clash.
         *
         * @throws java.io.UncheckedIOException if the file cannot be read
         */
        public Builder configuration(java.nio.file.Path file) {
            Objects.requireNonNull(file, "file");
            try {
                configFiles.add(new ConfigBinder.File(file.toString(), java.nio.file.Files.readString(file),
                        file.toAbsolutePath().getParent()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read configuration file " + file + ": " + e.getMessage()
                        + " — check the path and its permissions", e);
            }
            return this;
        }

        /**
         * Adds a configuration read from {@code reader} (read fully now, not closed), named {@code sourceName} in
         * problems; otherwise as {@link #configuration(java.nio.file.Path)}. Relative {@code file:} paths in it (JSON
         * Schemas) resolve against the working directory.
         */
        public Builder configuration(java.io.Reader reader, String sourceName) {
            return configuration(reader, sourceName, null);
        }

        /**
         * As {@link #configuration(java.io.Reader, String)}, with relative {@code file:} paths in it resolved against
         * {@code baseDirectory} (the directory the configuration came from), or the working directory when
         * {@code null}.
         */
        public Builder configuration(java.io.Reader reader, String sourceName, java.nio.file.Path baseDirectory) {
            Objects.requireNonNull(reader, "reader");
            Objects.requireNonNull(sourceName, "sourceName");
            StringBuilder text = new StringBuilder();
            char[] buffer = new char[8192];
            try {
                for (int n; (n = reader.read(buffer)) >= 0; ) {
                    text.append(buffer, 0, n);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read configuration " + sourceName + ": "
                        + e.getMessage(), e);
            }
            configFiles.add(new ConfigBinder.File(sourceName, text.toString(),
                    baseDirectory == null ? null : baseDirectory.toAbsolutePath()));
            return this;
        }

        /**
         * Binds a handler by name: a configuration file's {@code sink: {handler: name}} delivers to {@code sink}.
         *
         * @throws IllegalArgumentException if the name is blank or already bound
         */
        public Builder handler(String name, io.switchboard.api.Sink sink) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(sink, "sink");
            if (name.isBlank()) {
                throw new IllegalArgumentException("handler name must not be blank");
            }
            if (handlers.putIfAbsent(name, sink) != null) {
                throw new IllegalArgumentException("handler '" + name + "' is already bound: bind each name once");
            }
            return this;
        }

        /** Binds {@code Sink.handler(handler)} by name; see {@link #handler(String, io.switchboard.api.Sink)}. */
        public Builder handler(String name, io.switchboard.api.EventHandler handler) {
            return handler(name, io.switchboard.api.Sink.handler(Objects.requireNonNull(handler, "handler")));
        }

        /**
         * Where configuration files' {@code ${VAR}} and {@code ${VAR:default}} are looked up ({@code null} means
         * undefined). Default: {@link System#getenv(String)}.
         */
        public Builder environment(java.util.function.Function<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /** The default bus (the one triggers without {@code bus(..)} read). Default: a new in-memory bus. */
        public Builder bus(EventBus bus) {
            return bus(DEFAULT_BUS, bus);
        }

        /** A named bus (namespace); triggers pick it with {@code Trigger.Builder.bus(namespace)}. */
        public Builder bus(String namespace, EventBus bus) {
            Objects.requireNonNull(bus, "bus");
            putBus(namespace, bus);
            return this;
        }

        /**
         * A named bus created at {@link #build()} by the provider of {@code type} (registered with
         * {@link #provider(EventBusProvider)} or found by {@link java.util.ServiceLoader}). The runtime closes it.
         * Use namespace {@value Switchboard#DEFAULT_BUS} to choose the default bus this way.
         */
        public Builder bus(String namespace, String type, Map<String, String> config) {
            Objects.requireNonNull(type, "type");
            putBus(namespace, new ProvidedSpec(type, Map.copyOf(config)));
            return this;
        }

        /** Registers a bus provider explicitly (it wins over one of the same type found by ServiceLoader). */
        public Builder provider(EventBusProvider provider) {
            busProviders.put(Objects.requireNonNull(provider, "provider").type(), provider);
            return this;
        }

        /** Registers a source provider explicitly (it wins over one of the same type found by ServiceLoader). */
        public Builder provider(EventSourceProvider provider) {
            sourceProviders.put(Objects.requireNonNull(provider, "provider").type(), provider);
            return this;
        }

        /**
         * Lets {@code replacement} supply the buses the runtime creates itself: every bus declared by type
         * ({@link #bus(String, String, Map)}) and the default in-memory bus when none is declared. It is called with
         * the namespace and the declared type (the default one's is {@value InMemoryEventBus#TYPE}) before any
         * provider is looked up, and its non-null answer is used instead, closed by the runtime like a bus it
         * created; {@code null} keeps the usual bus. Buses passed as instances are not offered. For test harnesses
         * that run production configurations on in-memory buses.
         */
        public Builder replaceBuses(BusReplacement replacement) {
            this.busReplacement = Objects.requireNonNull(replacement, "replacement");
            return this;
        }

        /** Supplies a bus in place of one the runtime would create; see {@link Builder#replaceBuses}. */
        @FunctionalInterface
        public interface BusReplacement {
            /** The bus to use for {@code namespace}, declared with {@code type}; {@code null} to keep the usual one. */
            EventBus replace(String namespace, String type);
        }

        /** An event source; its name is its topic. The runtime starts and closes it. */
        public Builder source(EventSource source) {
            sourceSpecs.add(Objects.requireNonNull(source, "source"));
            return this;
        }

        /** A source created at {@link #build()} by the provider of {@code type}. */
        public Builder source(String name, String type, Map<String, String> config) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            sourceSpecs.add(new NamedProvidedSpec(name, type, Map.copyOf(config)));
            return this;
        }

        public Builder trigger(Trigger trigger) {
            triggers.add(Objects.requireNonNull(trigger, "trigger"));
            return this;
        }

        public Builder triggers(Collection<Trigger> triggers) {
            triggers.forEach(this::trigger);
            return this;
        }

        /** Time for all time-based behaviour. Default: the system clock with one daemon thread of the runtime's. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Where asynchronous deliveries run; the caller owns it. Default: virtual threads when the JVM has them, else a
         * bounded pool of daemon threads; the runtime shuts its own down on close.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** The consumer-group name of this application on its buses (instances sharing it share the work). */
        public Builder group(String group) {
            Objects.requireNonNull(group, "group");
            if (group.isBlank()) {
                throw new IllegalArgumentException("group must not be blank; default is '" + DEFAULT_GROUP + "'");
            }
            this.group = group;
            return this;
        }

        /**
         * How long a correlated subscriber on a shared durable bus holds an event unacknowledged before it re-publishes
         * it to its correlation topic and acknowledges the original ("re-park", docs/scaling.md), so that one
         * long-held event keeps neither a partition from committing nor a restart from replaying without limit.
         * Shorter: less to replay after a crash, more re-published copies. Default 10 minutes.
         */
        public Builder reparkHeldAfter(Duration age) {
            Objects.requireNonNull(age, "age");
            if (age.isZero() || age.isNegative()) {
                throw new IllegalArgumentException("reparkHeldAfter must be positive, got " + age);
            }
            this.reparkAfter = age;
            return this;
        }

        /** How long {@link Switchboard#close()} waits for accepted events to finish. Default 10 s. */
        public Builder drainTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("drainTimeout must not be negative, got " + timeout);
            }
            this.drainTimeout = timeout;
            return this;
        }

        /**
         * Adds an observer (metrics, traces, log context; see {@link RuntimeObserver}). Observers see every subscriber
         * of every trigger, including ones added later; each wraps the handlers of the ones registered before it.
         * Without observers, dispatch runs exactly as if this method did not exist.
         */
        public Builder observer(RuntimeObserver observer) {
            observers.add(Objects.requireNonNull(observer, "observer"));
            return this;
        }

        /**
         * Lets input filters read fields of the event's JSON data, as the documented extension of CESQL v1
         * ({@code type = 'order.created' AND data.total > 100}; see {@code docs/data.md}). Off by default: without it,
         * a filter with a data path does not compile. The data is parsed lazily, at most once per event however many
         * filters read it, within {@link #dataLimits}; indexing on {@code type} and {@code source} still narrows which
         * filters an event meets.
         */
        public Builder dataFilters() {
            if (dataFilters) {
                problems.add("dataFilters() is called twice: call it once");
            }
            dataFilters = true;
            return this;
        }

        /**
         * Bounds on the event data the runtime parses (data filters, JSON Schemas, typed sinks): data longer than
         * {@code maxBytes} or nesting deeper than {@code maxDepth} is not parsed and counts as unreadable (a data
         * filter then does not pass; a schema check refuses the event). Default 1 MiB and 64 levels.
         *
         * @throws IllegalArgumentException if {@code maxBytes < 1} or {@code maxDepth} is not between 1 and 1000
         * @throws IllegalStateException    if already set
         */
        public Builder dataLimits(int maxBytes, int maxDepth) {
            if (dataMaxBytes != -1) {
                throw new IllegalStateException("dataLimits were already set to " + dataMaxBytes + " bytes, "
                        + dataMaxDepth + " levels");
            }
            if (maxBytes < 1) {
                throw new IllegalArgumentException("dataLimits maxBytes must be at least 1, was " + maxBytes);
            }
            if (maxDepth < 1 || maxDepth > 1000) {
                throw new IllegalArgumentException("dataLimits maxDepth must be between 1 and 1000, was " + maxDepth
                        + ": deeper documents would risk the stack of recursive schema validation");
            }
            dataMaxBytes = maxBytes;
            dataMaxDepth = maxDepth;
            return this;
        }

        /**
         * The Jackson mapper typed sinks ({@code Sink.handler(Order.class, ...)}) read data and write replies with.
         * Default: a mapper with the modules found on the class path that ignores unknown properties.
         *
         * @throws IllegalStateException if already set
         */
        public Builder objectMapper(com.fasterxml.jackson.databind.ObjectMapper mapper) {
            Objects.requireNonNull(mapper, "mapper");
            if (objectMapper != null) {
                throw new IllegalStateException("objectMapper was already set");
            }
            objectMapper = mapper;
            return this;
        }

        /**
         * Registers a named JSON Schema, selected for an event whose {@code dataschema} attribute is {@code uri} by
         * inputs with {@link io.switchboard.api.JsonSchema#byDataschema()}. Compiled when the runtime is built.
         *
         * @param uri the {@code dataschema} value, compared as text (e.g. {@code https://example.com/order.v1.json})
         * @throws IllegalArgumentException if {@code uri} is blank
         */
        public Builder schema(String uri, io.switchboard.api.JsonSchema schema) {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(schema, "schema");
            if (uri.isBlank()) {
                throw new IllegalArgumentException("schema uri must not be blank: it is the dataschema value that selects"
                        + " the schema");
            }
            if (schemas.putIfAbsent(uri, schema) != null) {
                problems.add("schema '" + uri + "' is registered twice: register each dataschema once");
            }
            return this;
        }

        /**
         * Checks the whole configuration and builds the runtime (not started).
         *
         * @throws ConfigurationException listing every mistake: duplicate names, unknown sources, buses or provider
         *                                types, invalid filters or conditions — each with what to change; a
         *                                {@link ConfigurationProblems} (with file, line and column of each problem)
         *                                when a {@linkplain #configuration(java.nio.file.Path) configuration file}
         *                                was given
         */
        public Switchboard build() {
            List<String> errors = new ArrayList<>(problems);
            Map<String, EventBus> buses = new LinkedHashMap<>();
            Set<EventBus> owned = new LinkedHashSet<>();
            Map<String, EventSource> sources = new LinkedHashMap<>();
            ScheduledThreadPoolExecutor ownedScheduler = null;
            ExecutorService ownedExecutor = null;
            HttpSinks httpSinks = null;
            boolean done = false;
            try {
                Map<String, EventBusProvider> busTypes = discover(EventBusProvider.class, busProviders,
                        EventBusProvider::type);
                Map<String, EventSourceProvider> sourceTypes = discover(EventSourceProvider.class, sourceProviders,
                        EventSourceProvider::type);

                Scheduler time = scheduler;
                if (time == null) {
                    ownedScheduler = new ScheduledThreadPoolExecutor(1,
                            io.switchboard.core.time.Schedulers.daemonThreads("switchboard-scheduler"));
                    ownedScheduler.setRemoveOnCancelPolicy(true);
                    time = io.switchboard.core.time.Schedulers.system(ownedScheduler);
                }
                Executor exec = executor;
                if (exec == null) {
                    ownedExecutor = io.switchboard.core.internal.dispatch.DefaultExecutors.create("switchboard");
                    exec = ownedExecutor;
                }

                ConfigBinder.Result config = null;
                if (!configFiles.isEmpty()) {
                    config = ConfigBinder.read(configFiles, new ConfigBinder.Context(environment, Map.copyOf(handlers),
                            sourceTypes, Set.copyOf(busSpecs.keySet()), new ConfigBinder.BuilderData(dataFilters,
                            dataMaxBytes != -1, Set.copyOf(schemas.keySet()))));
                    if (config.problems().isEmpty()) {
                        Scheduler busTime = time;
                        config.create((namespace, type, settings) -> {
                            EventBus bus = busReplacement.replace(namespace, type);
                            if (bus == null) {
                                EventBusProvider provider = busTypes.get(type);
                                if (provider == null && !type.equals(InMemoryEventBus.TYPE)) {
                                    return null;
                                }
                                bus = provider != null ? provider.create(settings)
                                        : InMemoryEventBus.builder().scheduler(busTime).build();
                            }
                            owned.add(bus);
                            return bus;
                        });
                    }
                    if (!config.problems().isEmpty()) {
                        List<Problem> all = new ArrayList<>(config.problems());
                        problems.forEach(p -> all.add(new Problem(null, 0, 0, p, "")));
                        throw new ConfigurationProblems(all);
                    }
                    buses.putAll(config.buses());
                }
                if (!busSpecs.containsKey(DEFAULT_BUS) && !buses.containsKey(DEFAULT_BUS)) {
                    EventBus replaced = busReplacement.replace(DEFAULT_BUS, InMemoryEventBus.TYPE);
                    EventBus memory = replaced != null ? replaced : InMemoryEventBus.builder().scheduler(time).build();
                    buses.put(DEFAULT_BUS, memory);
                    owned.add(memory);
                }
                for (Map.Entry<String, Object> spec : busSpecs.entrySet()) {
                    if (spec.getValue() instanceof EventBus bus) {
                        buses.put(spec.getKey(), bus);
                    } else {
                        ProvidedSpec p = (ProvidedSpec) spec.getValue();
                        EventBus replaced = busReplacement.replace(spec.getKey(), p.type());
                        if (replaced != null) {
                            buses.put(spec.getKey(), replaced);
                            owned.add(replaced);
                            continue;
                        }
                        EventBusProvider provider = busTypes.get(p.type());
                        if (provider == null) {
                            errors.add("bus '" + spec.getKey() + "' has type '" + p.type() + "', for which no provider is"
                                    + " known: add the module that provides it (e.g. events-kafka) or register one with"
                                    + " provider(EventBusProvider); known types: " + busTypes.keySet());
                            continue;
                        }
                        try {
                            EventBus bus = provider.create(p.config());
                            buses.put(spec.getKey(), bus);
                            owned.add(bus);
                        } catch (RuntimeException e) {
                            errors.add("bus '" + spec.getKey() + "' (type " + p.type() + ") could not be created: "
                                    + e.getMessage());
                        }
                    }
                }
                List<Object> allSources = new ArrayList<>(sourceSpecs);
                List<Trigger> allTriggers = new ArrayList<>(triggers);
                if (config != null) {
                    allSources.addAll(config.sources());
                    allTriggers.addAll(config.triggers());
                }
                for (Object spec : allSources) {
                    EventSource source;
                    if (spec instanceof EventSource s) {
                        source = s;
                    } else {
                        NamedProvidedSpec p = (NamedProvidedSpec) spec;
                        EventSourceProvider provider = sourceTypes.get(p.type());
                        if (provider == null) {
                            errors.add("source '" + p.name() + "' has type '" + p.type() + "', for which no provider is"
                                    + " known: add the module that provides it or register one with"
                                    + " provider(EventSourceProvider); known types: " + sourceTypes.keySet());
                            continue;
                        }
                        try {
                            source = provider.create(p.name(), p.config());
                        } catch (RuntimeException e) {
                            errors.add("source '" + p.name() + "' (type " + p.type() + ") could not be created: "
                                    + e.getMessage());
                            continue;
                        }
                    }
                    String name = source.name();
                    if (TriggerInput.APPLICATION.equals(name)) {
                        errors.add("source name '" + name + "' is reserved for events the application publishes"
                                + " itself: rename the source");
                    } else if (sources.putIfAbsent(name, source) != null) {
                        errors.add("two sources are named '" + name + "': give each source its own name");
                    }
                }
                Set<String> triggerNames = new LinkedHashSet<>();
                for (Trigger t : allTriggers) {
                    if (!triggerNames.add(t.name())) {
                        errors.add("two triggers are named '" + t.name() + "': give each trigger its own name");
                    }
                }
                Observation observation = new Observation(observers);
                httpSinks = new HttpSinks("switchboard", time);
                // the files' data settings join the builder's (conflicts were reported where the file sets them)
                boolean filtersOn = dataFilters || (config != null && config.dataFilters());
                boolean fileLimits = config != null && config.dataMaxBytes() != -1;
                Map<String, io.switchboard.api.JsonSchema> named = new LinkedHashMap<>(schemas);
                if (config != null) {
                    named.putAll(config.schemas());
                }
                DataSupport data = new DataSupport(filtersOn, fileLimits ? config.dataMaxBytes() : dataMaxBytes,
                        fileLimits ? config.dataMaxDepth() : dataMaxDepth, objectMapper, named, errors);
                TriggerAssembler assembler = new TriggerAssembler(buses, sources::keySet, time, exec, group, reparkAfter,
                        observation, httpSinks, data);
                List<Registration> registrations = new ArrayList<>();
                Set<String> assembled = new LinkedHashSet<>();
                for (Trigger t : allTriggers) {
                    if (!assembled.add(t.name())) {
                        continue;
                    }
                    Registration r = assembler.assemble(t, errors);
                    if (r != null) {
                        registrations.add(r);
                    }
                }
                if (!errors.isEmpty()) {
                    for (Registration r : registrations) {
                        for (SubscriberDispatch d : r.subscribers()) {
                            d.gate().close();
                            d.pipeline().close();
                        }
                    }
                    if (config != null) {
                        List<Problem> all = new ArrayList<>();
                        for (String e : errors) {
                            Problem located = config.locate(e);
                            all.add(located != null ? located : new Problem(null, 0, 0, e, ""));
                        }
                        throw new ConfigurationProblems(all);
                    }
                    throw TriggerAssembler.problems(errors);
                }
                Switchboard sb = new Switchboard(this, buses, owned, sources, time, ownedScheduler, exec, ownedExecutor,
                        observation, httpSinks, data);
                sb.dispatcher.installAll(registrations);
                for (Registration r : registrations) {
                    sb.connectInlets(r, null);
                }
                sb.refreshPublishTargets();
                observation.attached(sb.view);
                done = true;
                return sb;
            } finally {
                if (!done) {
                    owned.forEach(EventBus::close);
                    if (ownedExecutor != null) {
                        ownedExecutor.shutdownNow();
                    }
                    if (ownedScheduler != null) {
                        ownedScheduler.shutdownNow();
                    }
                    if (httpSinks != null) {
                        httpSinks.close(System.nanoTime());
                    }
                }
            }
        }

        private void putBus(String namespace, Object spec) {
            Objects.requireNonNull(namespace, "namespace");
            if (namespace.isBlank()) {
                throw new IllegalArgumentException("bus namespace must not be blank");
            }
            if (busSpecs.putIfAbsent(namespace, spec) != null) {
                problems.add("bus '" + namespace + "' is declared twice: declare each bus (namespace) once");
            }
        }

        private static <P> Map<String, P> discover(Class<P> type, Map<String, P> explicit,
                                                   java.util.function.Function<P, String> typeOf) {
            Map<String, P> all = new LinkedHashMap<>();
            try {
                for (P p : java.util.ServiceLoader.load(type, Switchboard.class.getClassLoader())) {
                    all.putIfAbsent(typeOf.apply(p), p);
                }
            } catch (java.util.ServiceConfigurationError e) {
                log.warn("a {} could not be loaded and is ignored: {}", type.getSimpleName(), e.getMessage());
            }
            all.putAll(explicit);
            return all;
        }

        private record ProvidedSpec(String type, Map<String, String> config) {
        }

        private record NamedProvidedSpec(String name, String type, Map<String, String> config) {
        }
    }
}
