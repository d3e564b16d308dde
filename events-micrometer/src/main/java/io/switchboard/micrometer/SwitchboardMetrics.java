package io.switchboard.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.switchboard.api.SubscriberStats;
import io.switchboard.core.RuntimeObserver;
import io.switchboard.core.RuntimeView;
import io.switchboard.core.SourceStats;
import io.switchboard.core.SubscriberLoad;
import io.switchboard.core.Switchboard;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.ToLongFunction;

/**
 * Micrometer meters for a Switchboard runtime. Two ways to attach, both one line:
 *
 * <pre>{@code
 * // at build: every meter, including the handler-duration and end-to-end latency timers
 * Switchboard sb = Switchboard.builder().observer(SwitchboardMetrics.observer(registry)) ... .build();
 *
 * // to a runtime already built: counters and gauges only (timing needs the handlers wrapped at build)
 * SwitchboardMetrics.bind(sb, registry);
 * }</pre>
 *
 * <p>Design note: every counter and gauge is a function meter reading what the runtime counts anyway
 * ({@link RuntimeView#stats}, {@link RuntimeView#load}, {@link RuntimeView#sourceStats}, bus lag) when the registry
 * is scraped, so they add nothing to the event path. Only the two timers work per event: the observer wraps each
 * handler, and for a sample of the calls (one in 64 inline, one in 8 asynchronous, by default) reads the clock around
 * the call and records the duration and the event's age (allocation-free); the other calls cost a thread-local random
 * draw. Meters of a removed trigger stay registered with their last values; a replaced trigger's counters continue
 * from where its predecessor's ended.
 *
 * <p>Meter names and tags: {@link MeterNames}; meanings: docs/observability.md. Percentiles of the timers are
 * configured the Micrometer way, with a {@code MeterFilter} on the registry.
 */
public final class SwitchboardMetrics implements MeterBinder {

    private final RuntimeView runtime;
    private final Tags common;

    /** Meters of {@code runtime}, with {@code tags} added to every meter (e.g. an application name). */
    public SwitchboardMetrics(RuntimeView runtime, Iterable<io.micrometer.core.instrument.Tag> tags) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.common = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    /** Meters of {@code runtime}. */
    public SwitchboardMetrics(RuntimeView runtime) {
        this(runtime, Tags.empty());
    }

    /**
     * The observer to register with {@link Switchboard.Builder#observer}: binds every meter to {@code registry} when
     * the runtime is built, and times a sample of handler calls — one in {@value ObserverBuilder#DEFAULT_INLINE_SAMPLE}
     * of an inline subscriber, one in {@value ObserverBuilder#DEFAULT_ASYNC_SAMPLE} of an asynchronous one (see
     * {@link ObserverBuilder#inlineTimingSample}).
     * Subscribers of triggers added later get their meters as they are added.
     */
    public static RuntimeObserver observer(MeterRegistry registry) {
        return observerBuilder(registry).build();
    }

    /** An observer with settings: common tags, how often calls are timed. */
    public static ObserverBuilder observerBuilder(MeterRegistry registry) {
        return new ObserverBuilder(registry);
    }

    /** Settings of {@link #observer(MeterRegistry)}. Not thread-safe; each setter checks its argument. */
    public static final class ObserverBuilder {
        /** Inline subscribers time one call in this many by default. */
        public static final int DEFAULT_INLINE_SAMPLE = 64;
        /** Asynchronous subscribers time one call in this many by default. */
        public static final int DEFAULT_ASYNC_SAMPLE = 8;

        private final MeterRegistry registry;
        private Tags tags = Tags.empty();
        private int inlineSample = DEFAULT_INLINE_SAMPLE;
        private int asyncSample = DEFAULT_ASYNC_SAMPLE;

        private ObserverBuilder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** Tags added to every meter (e.g. the application's name). */
        public ObserverBuilder tags(Iterable<io.micrometer.core.instrument.Tag> tags) {
            this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
            return this;
        }

        /**
         * Time one handler call in {@code every} of inline subscribers (1: every call). A power of two. Inline
         * dispatch costs about as much as one clock read, so timing every call would multiply its cost; sampled
         * timers keep unbiased durations and percentiles, and the exact counts are in the counters. Default
         * {@value #DEFAULT_INLINE_SAMPLE}.
         */
        public ObserverBuilder inlineTimingSample(int every) {
            this.inlineSample = checkSample(every);
            return this;
        }

        /**
         * Time one handler call in {@code every} of asynchronous subscribers (a power of two; 1: every call). A timed
         * call costs about 200 ns of clock reads and timer updates on the delivering thread, which for a trivial
         * handler more than triples the cost of a delivery; for handlers doing I/O it is noise, and 1 is fine.
         * Default {@value #DEFAULT_ASYNC_SAMPLE}.
         */
        public ObserverBuilder asyncTimingSample(int every) {
            this.asyncSample = checkSample(every);
            return this;
        }

        private static int checkSample(int every) {
            if (every < 1 || Integer.bitCount(every) != 1) {
                throw new IllegalArgumentException("a timing sample must be a power of two (1 = every call), got "
                        + every);
            }
            return every;
        }

        /** The observer; register it with {@link Switchboard.Builder#observer}. */
        public RuntimeObserver build() {
            return new MeteredObserver(registry, tags, inlineSample - 1, asyncSample - 1);
        }
    }

    /**
     * Binds the counters and gauges of a built runtime to {@code registry} (no timers: register
     * {@link #observer(MeterRegistry)} at build for those). Subscribers of triggers added later are picked up by
     * calling this again; binding twice registers nothing twice.
     */
    public static SwitchboardMetrics bind(Switchboard switchboard, MeterRegistry registry) {
        SwitchboardMetrics metrics = new SwitchboardMetrics(switchboard.runtime());
        metrics.bindTo(registry);
        return metrics;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        bindRuntime(registry);
        for (SubscriberStats s : runtime.stats()) {
            bindSubscriber(registry, s.trigger(), s.subscriber());
        }
        runtime.consumedTopics().forEach((bus, topics) -> topics.forEach(topic -> bindTopic(registry, bus, topic)));
    }

    void bindRuntime(MeterRegistry registry) {
        Gauge.builder(MeterNames.READY, runtime, r -> r.health().ready() ? 1 : 0).tags(common)
                .description("1 when the runtime is ready to take events (running, buses connected, no queue full,"
                        + " not draining), else 0")
                .register(registry);
        FunctionCounter.builder(MeterNames.POISONED, runtime, r -> (double) r.poisoned()).tags(common)
                .description("messages a bus handed over as undecodable, which nothing could route")
                .register(registry);
        for (SourceStats s : runtime.sourceStats()) {
            String source = s.source();
            Tags tags = common.and(MeterNames.SOURCE, source);
            sourceCounter(registry, MeterNames.SOURCE_EMITTED, tags, source, SourceStats::emitted,
                    "events the source emitted that the bus accepted");
            sourceCounter(registry, MeterNames.SOURCE_REJECTED, tags, source, SourceStats::rejected,
                    "events the source emitted that the bus refused");
        }
        for (String bus : runtime.buses().keySet()) {
            Gauge.builder(MeterNames.BUS_CONNECTED, runtime, r -> Boolean.TRUE.equals(r.health().buses().get(bus)) ? 1 : 0)
                    .tags(common.and(MeterNames.BUS, bus))
                    .description("1 while the bus reaches its broker, else 0")
                    .register(registry);
        }
    }

    private void sourceCounter(MeterRegistry registry, String name, Tags tags, String source,
                               ToLongFunction<SourceStats> value, String description) {
        MonotonicReading reading = new MonotonicReading();
        FunctionCounter.builder(name, runtime, r -> reading.next(sourceValue(r, source, value)))
                .tags(tags).description(description).register(registry);
    }

    private static long sourceValue(RuntimeView r, String source, ToLongFunction<SourceStats> value) {
        for (SourceStats s : r.sourceStats()) {
            if (s.source().equals(source)) {
                return value.applyAsLong(s);
            }
        }
        return -1;
    }

    /** Consumer-lag gauge of one bus topic; NaN while the bus cannot tell. */
    void bindTopic(MeterRegistry registry, String bus, String topic) {
        if (registry.find(MeterNames.BUS_CONSUMER_LAG).tags(common).tag(MeterNames.BUS, bus).tag(MeterNames.TOPIC, topic)
                .gauge() != null) {
            return; // several triggers read one topic
        }
        Gauge.builder(MeterNames.BUS_CONSUMER_LAG, runtime, r -> {
                    OptionalLong lag = r.consumerLag(bus, topic);
                    return lag.isPresent() ? lag.getAsLong() : Double.NaN;
                })
                .tags(common.and(MeterNames.BUS, bus).and(MeterNames.TOPIC, topic).and(MeterNames.GROUP, runtime.group()))
                .description("events of the topic the runtime's consumer group has not consumed yet (NaN: the bus"
                        + " cannot tell)")
                .register(registry);
    }

    /** Every counter and gauge of one subscriber. */
    void bindSubscriber(MeterRegistry registry, String trigger, String subscriber) {
        Tags tags = common.and(MeterNames.TRIGGER, trigger).and(MeterNames.SUBSCRIBER, subscriber);
        counter(registry, MeterNames.RECEIVED, tags, trigger, subscriber, SubscriberStats::received,
                "events that reached one of the trigger's inputs for this subscriber");
        counter(registry, MeterNames.MATCHED, tags, trigger, subscriber, SubscriberStats::matched,
                "events that passed an input filter");
        counter(registry, MeterNames.FIRED, tags, trigger, subscriber, SubscriberStats::fired,
                "firings: the subscriber's condition became true");
        counter(registry, MeterNames.DELIVERED, tags, trigger, subscriber, SubscriberStats::delivered,
                "events whose delivery succeeded");
        counter(registry, MeterNames.FAILED, tags, trigger, subscriber, SubscriberStats::failed,
                "failed attempts, including ones retried successfully later");
        counter(registry, MeterNames.RETRIED, tags, trigger, subscriber, SubscriberStats::retried,
                "attempts that were retries");
        counter(registry, MeterNames.DEAD_LETTERED, tags, trigger, subscriber, SubscriberStats::deadLettered,
                "events given up after their last attempt (sent to the dead-letter sink, or dropped without one)");
        counter(registry, MeterNames.REJECTED, tags, trigger, subscriber, SubscriberStats::rejected,
                "firings refused because the subscriber's queue was full");
        gauge(registry, MeterNames.QUEUE_DEPTH, tags, trigger, subscriber, SubscriberLoad::queueDepth,
                "firings waiting in the subscriber's queue");
        gauge(registry, MeterNames.QUEUE_CAPACITY, tags, trigger, subscriber, SubscriberLoad::queueCapacity,
                "the most firings the subscriber's queue holds (0: inline, no queue)");
        gauge(registry, MeterNames.IN_FLIGHT, tags, trigger, subscriber, SubscriberLoad::inFlight,
                "firings accepted and not finished (queued, being delivered, waiting for a retry)");
        gauge(registry, MeterNames.CORRELATION_KEYS, tags, trigger, subscriber, SubscriberLoad::correlationKeys,
                "correlation keys holding events that wait for their partners");
    }

    private void counter(MeterRegistry registry, String name, Tags tags, String trigger, String subscriber,
                         ToLongFunction<SubscriberStats> value, String description) {
        MonotonicReading reading = new MonotonicReading();
        FunctionCounter.builder(name, runtime, r -> reading.next(stat(r, trigger, subscriber, value)))
                .tags(tags).description(description).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, Tags tags, String trigger, String subscriber,
                       ToLongFunction<SubscriberLoad> value, String description) {
        Gauge.builder(name, runtime, r -> {
                    try {
                        return value.applyAsLong(r.load(trigger, subscriber));
                    } catch (IllegalArgumentException gone) {
                        return 0;
                    }
                })
                .tags(tags).description(description).register(registry);
    }

    private static long stat(RuntimeView r, String trigger, String subscriber, ToLongFunction<SubscriberStats> value) {
        try {
            return value.applyAsLong(r.stats(trigger, subscriber));
        } catch (IllegalArgumentException gone) {
            return -1;
        }
    }

    /** The view this binder reads. */
    RuntimeView runtime() {
        return runtime;
    }
}
