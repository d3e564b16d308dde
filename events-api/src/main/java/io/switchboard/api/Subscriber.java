package io.switchboard.api;

import java.time.Duration;
import java.util.Objects;

/**
 * A subscriber of a {@link Trigger}: a condition over the trigger's input names, a sink, and how firings are
 * delivered. Immutable and thread-safe; build one with {@link #builder(String)}.
 *
 * <p><b>Conditions.</b> A boolean expression over input names: {@code a}, {@code a || b}, {@code a && (b || !c)};
 * {@code AND}, {@code OR}, {@code NOT} are accepted too. {@code null} means all inputs joined with {@code &&}.
 * An {@code ||}-only condition is stateless: every passing event fires. A condition with {@code &&} keeps the latest
 * event of each input (per {@link Builder#correlateBy correlation key}); the event that makes the condition true fires
 * the subscriber with all contributing events, and those inputs are reset (unless {@link Builder#levelTriggered()}).
 *
 * <p><b>Dispatch.</b> Asynchronous by default: a bounded queue per subscriber, ordered per
 * {@link Builder#orderingKey ordering key}, parallel across keys up to {@link Builder#concurrency concurrency};
 * a full queue applies {@link Builder#whenFull}. {@link Builder#inline()} runs the sink on the publishing thread.
 */
public final class Subscriber {

    /** Default bounded-queue capacity of an asynchronous subscriber. */
    public static final int DEFAULT_QUEUE_CAPACITY = 4096;
    /** Default number of keys delivered in parallel. */
    public static final int DEFAULT_CONCURRENCY = 4;
    /** Default bound on correlation keys held by a multi-input subscriber. */
    public static final int DEFAULT_MAX_KEYS = 100_000;

    private final String name;
    private final String condition;
    private final Sink sink;
    private final DeliveryPolicy deliveryPolicy;
    private final Sink deadLetter;
    private final boolean inline;
    private final String orderingKey;
    private final int concurrency;
    private final int queueCapacity;
    private final FullQueuePolicy whenFull;
    private final String correlateBy;
    private final Duration within;
    private final String resetCron;
    private final int maxKeys;
    private final boolean levelTriggered;
    private final boolean correlatesLocally;
    private final RateLimit rateLimit;
    private final Batching batching;
    private final Duration debounce;

    private Subscriber(Builder b) {
        this.name = b.name;
        this.condition = b.condition;
        this.sink = b.sink;
        this.deliveryPolicy = b.deliveryPolicy;
        this.deadLetter = b.deadLetter;
        this.inline = b.inline;
        this.orderingKey = b.orderingKey;
        this.concurrency = b.concurrency;
        this.queueCapacity = b.queueCapacity;
        this.whenFull = b.whenFull;
        this.correlateBy = b.correlateBy;
        this.within = b.within;
        this.resetCron = b.resetCron;
        this.maxKeys = b.maxKeys;
        this.levelTriggered = b.levelTriggered;
        this.correlatesLocally = b.correlatesLocally;
        this.rateLimit = b.rateLimit;
        this.batching = b.batching;
        this.debounce = b.debounce;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder pre-filled with this subscriber's settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public String name() { return name; }

    /** The condition over input names, or {@code null} for "all inputs". */
    public String condition() { return condition; }

    public Sink sink() { return sink; }

    public DeliveryPolicy deliveryPolicy() { return deliveryPolicy; }

    /** The dead-letter sink, or {@code null}: failed firings are then logged and counted as dead-lettered. */
    public Sink deadLetter() { return deadLetter; }

    public boolean inline() { return inline; }

    /** The attribute or extension whose value orders deliveries (events of one value in order). */
    public String orderingKey() { return orderingKey; }

    public int concurrency() { return concurrency; }

    public int queueCapacity() { return queueCapacity; }

    public FullQueuePolicy whenFull() { return whenFull; }

    /** The attribute or extension correlating inputs of an {@code &&} condition, or {@code null} for one group. */
    public String correlateBy() { return correlateBy; }

    /** How long a held input event stays valid, or {@code null} for no expiry. */
    public Duration within() { return within; }

    /** A cron expression at which held input events are cleared, or {@code null}. */
    public String resetCron() { return resetCron; }

    public int maxKeys() { return maxKeys; }

    /** Whether firing keeps held events (level-triggered) instead of resetting the contributing inputs. */
    public boolean levelTriggered() { return levelTriggered; }

    /** Whether the subscriber correlates in each instance's memory only ({@link Builder#correlateLocally()}). */
    public boolean correlatesLocally() { return correlatesLocally; }

    /** The rate limit, or {@code null}. */
    public RateLimit rateLimit() { return rateLimit; }

    /** Batching, or {@code null}. */
    public Batching batching() { return batching; }

    /** Debounce quiet period, or {@code null}. */
    public Duration debounce() { return debounce; }

    @Override
    public String toString() {
        return "Subscriber[" + name + (condition == null ? "" : ", condition=" + condition) + "]";
    }

    /**
     * A token bucket: {@code permits} firings per {@code period}, with bursts of at most {@code burst}.
     */
    public record RateLimit(int permits, Duration period, int burst) {
        public RateLimit {
            if (permits < 1) {
                throw new IllegalArgumentException("rate limit permits must be at least 1, got " + permits);
            }
            Objects.requireNonNull(period, "period");
            if (period.isZero() || period.isNegative()) {
                throw new IllegalArgumentException("rate limit period must be positive, got " + period);
            }
            if (burst < 1) {
                throw new IllegalArgumentException("rate limit burst must be at least 1, got " + burst);
            }
        }
    }

    /** Deliver up to {@code maxSize} events together, or what has arrived after {@code maxWait}. */
    public record Batching(int maxSize, Duration maxWait) {
        public Batching {
            if (maxSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + maxSize);
            }
            Objects.requireNonNull(maxWait, "maxWait");
            if (maxWait.isZero() || maxWait.isNegative()) {
                throw new IllegalArgumentException("batch maxWait must be positive, got " + maxWait);
            }
        }
    }

    /** Builds a {@link Subscriber}. Setters validate their argument; {@link #build()} checks the combination. */
    public static final class Builder {
        private final String name;
        private String condition;
        private Sink sink;
        private DeliveryPolicy deliveryPolicy = DeliveryPolicy.defaults();
        private Sink deadLetter;
        private boolean inline;
        private String orderingKey = "subject";
        private int concurrency = DEFAULT_CONCURRENCY;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private FullQueuePolicy whenFull = FullQueuePolicy.block(Duration.ofSeconds(5));
        private String correlateBy;
        private Duration within;
        private String resetCron;
        private int maxKeys = DEFAULT_MAX_KEYS;
        private boolean levelTriggered;
        private boolean correlatesLocally;
        private RateLimit rateLimit;
        private Batching batching;
        private Duration debounce;

        private Builder(String name) {
            this.name = Names.check("subscriber", name);
        }

        private Builder(Subscriber s) {
            this.name = s.name;
            this.condition = s.condition;
            this.sink = s.sink;
            this.deliveryPolicy = s.deliveryPolicy;
            this.deadLetter = s.deadLetter;
            this.inline = s.inline;
            this.orderingKey = s.orderingKey;
            this.concurrency = s.concurrency;
            this.queueCapacity = s.queueCapacity;
            this.whenFull = s.whenFull;
            this.correlateBy = s.correlateBy;
            this.within = s.within;
            this.resetCron = s.resetCron;
            this.maxKeys = s.maxKeys;
            this.levelTriggered = s.levelTriggered;
            this.correlatesLocally = s.correlatesLocally;
            this.rateLimit = s.rateLimit;
            this.batching = s.batching;
            this.debounce = s.debounce;
        }

        /** The condition over input names; {@code null} for "all inputs". Checked against the inputs at build. */
        public Builder condition(String condition) {
            if (condition != null && condition.isBlank()) {
                throw new IllegalArgumentException("condition of subscriber '" + name + "' is blank; pass null for all inputs");
            }
            this.condition = condition;
            return this;
        }

        public Builder sink(Sink sink) {
            this.sink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /** Shorthand for {@code sink(Sink.handler(handler))}. */
        public Builder handler(EventHandler handler) {
            return sink(Sink.handler(handler));
        }

        public Builder deliveryPolicy(DeliveryPolicy policy) {
            this.deliveryPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Where firings go after their last failed attempt (with failure metadata as extensions). */
        public Builder deadLetter(Sink deadLetter) {
            this.deadLetter = Objects.requireNonNull(deadLetter, "deadLetter");
            return this;
        }

        /** Run the sink on the publishing thread: lowest latency; the publisher waits for the handler. */
        public Builder inline() {
            this.inline = true;
            return this;
        }

        /** The attribute or extension whose value orders deliveries; default {@code subject}. */
        public Builder orderingKey(String attribute) {
            this.orderingKey = requireAttribute("orderingKey", attribute);
            return this;
        }

        /** How many ordering keys are delivered in parallel (at least 1). */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency of subscriber '" + name + "' must be at least 1, got " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** Capacity of the asynchronous queue (at least 1). */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queueCapacity of subscriber '" + name + "' must be at least 1, got " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /** What a publish does when the queue is full; default: block up to 5 s, then fail. */
        public Builder whenFull(FullQueuePolicy policy) {
            this.whenFull = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Correlate inputs of an {@code &&} condition by this attribute or extension (e.g. {@code subject}). */
        public Builder correlateBy(String attribute) {
            this.correlateBy = requireAttribute("correlateBy", attribute);
            return this;
        }

        /** Held input events older than this expire. */
        public Builder within(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.isZero() || window.isNegative()) {
                throw new IllegalArgumentException("within of subscriber '" + name + "' must be positive, got " + window);
            }
            this.within = window;
            return this;
        }

        /** Clear all held input events on this cron schedule (Unix 5-field, Quartz/Spring or a macro). */
        public Builder resetOn(String cron) {
            Objects.requireNonNull(cron, "cron");
            if (cron.isBlank()) {
                throw new IllegalArgumentException("resetOn cron of subscriber '" + name + "' is blank");
            }
            this.resetCron = cron;
            return this;
        }

        /** Most correlation keys held at once; the oldest is evicted (counted, logged) beyond it. */
        public Builder maxKeys(int maxKeys) {
            if (maxKeys < 1) {
                throw new IllegalArgumentException("maxKeys of subscriber '" + name + "' must be at least 1, got " + maxKeys);
            }
            this.maxKeys = maxKeys;
            return this;
        }

        /** Keep held events after firing (fire on every event while the condition holds). Default: reset. */
        public Builder levelTriggered() {
            this.levelTriggered = true;
            return this;
        }

        /**
         * Opt out of cross-instance correlation: a stateful condition ({@code &&}, {@code !}) keeps its held events
         * in this instance's memory and is fed straight from the source topics, even on a durable bus shared by
         * several instances (docs/scaling.md). Correct only when a single instance runs, or when every event of one
         * correlation key already reaches the same instance (e.g. one source keyed by the correlation attribute);
         * otherwise partners consumed by different instances never meet, and held events are lost on a crash.
         * Needed on a durable bus that cannot hold acknowledgements or key explicitly, which {@code build()}
         * otherwise refuses.
         */
        public Builder correlateLocally() {
            this.correlatesLocally = true;
            return this;
        }

        /** At most {@code permits} firings per {@code period}, bursts of at most {@code permits}. */
        public Builder rateLimit(int permits, Duration period) {
            this.rateLimit = new RateLimit(permits, period, permits);
            return this;
        }

        public Builder rateLimit(RateLimit limit) {
            this.rateLimit = Objects.requireNonNull(limit, "limit");
            return this;
        }

        /**
         * Deliver events in lists of up to {@code maxSize}, or what arrived after {@code maxWait}.
         *
         * <p><b>Acknowledgement:</b> unlike other subscribers, a batching subscriber acknowledges a bus event when the
         * event has been accepted into the open batch, not when the batch was delivered — otherwise a bus partition
         * would hand out a key's next event only after that key's batch finished, and same-key events would never
         * share a batch. The open batch is still drained by close/shutdown (and counted in the drain report), and a
         * failed batch dead-letters every event in it; but on a durable bus a process crash loses the events of the
         * open batch. Use an unbatched subscriber where strict at-least-once delivery matters.
         */
        public Builder batch(int maxSize, Duration maxWait) {
            this.batching = new Batching(maxSize, maxWait);
            return this;
        }

        /**
         * Per ordering key, deliver only the last event after {@code quiet} without further events.
         *
         * <p><b>Acknowledgement:</b> unlike other subscribers, a debouncing subscriber acknowledges a bus event when
         * it has been accepted into the debounce window, not when the debounced firing was delivered — otherwise the
         * bus would hand out a key's next event only after the quiet period, and nothing would ever be superseded.
         * Pending firings are still drained by close/shutdown; but on a durable bus a process crash loses the pending
         * firing of each key. Use a subscriber without debounce where strict at-least-once delivery matters.
         */
        public Builder debounce(Duration quiet) {
            Objects.requireNonNull(quiet, "quiet");
            if (quiet.isZero() || quiet.isNegative()) {
                throw new IllegalArgumentException("debounce of subscriber '" + name + "' must be positive, got " + quiet);
            }
            this.debounce = quiet;
            return this;
        }

        /**
         * Builds the subscriber.
         *
         * @throws ConfigurationException if no sink was set or options contradict each other
         */
        public Subscriber build() {
            if (sink == null) {
                throw new ConfigurationException("subscriber '" + name + "' has no sink: call sink(...) or handler(...)");
            }
            if (batching != null && debounce != null) {
                throw new ConfigurationException("subscriber '" + name + "' has both batch(...) and debounce(...): choose one");
            }
            if (inline && (batching != null || debounce != null)) {
                throw new ConfigurationException("subscriber '" + name + "' is inline but batches or debounces, which needs"
                        + " asynchronous delivery: remove inline() or the batch/debounce option");
            }
            return new Subscriber(this);
        }

        private String requireAttribute(String option, String attribute) {
            Objects.requireNonNull(attribute, option);
            if (attribute.isBlank()) {
                throw new IllegalArgumentException(option + " of subscriber '" + name + "' is blank: name a CloudEvent attribute or extension");
            }
            return attribute;
        }
    }
}
