package io.switchboard.core.bus;

import io.cloudevents.CloudEvent;
import io.switchboard.api.BusCapability;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.EventBus;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.Scheduler;
import io.switchboard.api.Subscription;
import io.switchboard.core.internal.dispatch.DefaultExecutors;
import io.switchboard.core.internal.dispatch.Stages;
import io.switchboard.core.time.Schedulers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The embedded {@link EventBus}: topics and consumer groups in this JVM's memory.
 *
 * <p><b>Semantics.</b> A topic keeps events only for consumer groups that exist (a group exists from its first
 * subscription on; its buffered events wait for a member when all members have left). Within a group each topic is
 * split into {@link Builder#partitions partitions} by the event's partition key — the {@code partitionkey} extension,
 * else {@code subject}, else {@code id} — and each partition is assigned to one member (competing consumers).
 * A partition delivers one event at a time and waits for the consumer's stage: normal completion acknowledges it,
 * exceptional completion (or a thrown exception) redelivers the same event after a backoff on the
 * {@link Builder#scheduler scheduler}, holding back the events behind it so that per-key order holds. After
 * {@link Builder#maxDeliveries} failed deliveries the event goes to {@link BusConsumer#poison} with its JSON
 * (structured-mode) form as payload; if that stage fails too the event is logged at ERROR with all its attributes and
 * counted in {@link #deadLettered()} — never dropped silently.
 *
 * <p><b>Back-pressure.</b> Each partition buffers at most {@link Builder#capacity} events; publishing to a full
 * partition completes exceptionally with {@link PublishRejectedException} (for that group; groups that had room keep
 * the event, so a retried publish may duplicate it there — at-least-once).
 *
 * <p><b>Held acknowledgement.</b> A consumer that overrides
 * {@link BusConsumer#deliver(CloudEvent, io.switchboard.api.Acknowledgement)} may hold an event past its turn: the
 * partition goes on with the next event, the held one stays unacknowledged (counted in {@link #held}) until released.
 * When the group's membership changes, every event held by a member that no longer owns its partition (it left, or
 * the partition moved to a joining member) is taken back: its {@code whenReturned} actions run and it is delivered
 * again to the partition's current member, before the partition's buffered events.
 *
 * <p><b>Guarantees.</b> {@link BusCapability#REDELIVERY}, {@link BusCapability#ORDERED_PER_KEY},
 * {@link BusCapability#CONSUMER_GROUPS}, {@link BusCapability#HELD_ACKNOWLEDGEMENT}. Not durable: {@link #close()} discards buffered events (and logs how many).
 * Events are passed by reference, never as bytes, so there is nothing undecodable to detect.
 *
 * <p>Thread-safe. {@link #close()} stops every delivery and the threads the bus created.
 */
public final class InMemoryEventBus implements EventBus {

    /** The provider type name of this bus. */
    public static final String TYPE = "memory";

    private static final Logger log = LoggerFactory.getLogger(InMemoryEventBus.class);
    private static final Set<BusCapability> CAPABILITIES = Collections.unmodifiableSet(
            EnumSet.of(BusCapability.REDELIVERY, BusCapability.ORDERED_PER_KEY, BusCapability.CONSUMER_GROUPS,
                    BusCapability.HELD_ACKNOWLEDGEMENT));

    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
    final int partitions;
    final int capacity;
    final int maxDeliveries;
    final Duration redeliveryBackoff;
    final Duration maxRedeliveryBackoff;
    final Duration leaveTimeout;
    final Executor executor;
    final Scheduler scheduler;
    private final ExecutorService ownedExecutor;
    private final ScheduledThreadPoolExecutor ownedScheduler;
    final LongAdder redelivered = new LongAdder();
    final LongAdder deadLettered = new LongAdder();
    volatile boolean closed;
    /** Signalled when events finish while someone waits in {@link #awaitDelivered}; see {@link #eventFinished}. */
    private final Object drained = new Object();
    private final AtomicInteger drainWaiters = new AtomicInteger();

    private InMemoryEventBus(Builder b) {
        this.partitions = b.partitions;
        this.capacity = b.capacity;
        this.maxDeliveries = b.maxDeliveries;
        this.redeliveryBackoff = b.redeliveryBackoff;
        this.maxRedeliveryBackoff = b.maxRedeliveryBackoff;
        this.leaveTimeout = b.leaveTimeout;
        if (b.executor != null) {
            this.executor = b.executor;
            this.ownedExecutor = null;
        } else {
            this.ownedExecutor = DefaultExecutors.create("switchboard-memory-bus");
            this.executor = ownedExecutor;
        }
        if (b.scheduler != null) {
            this.scheduler = b.scheduler;
            this.ownedScheduler = null;
        } else {
            this.ownedScheduler = new ScheduledThreadPoolExecutor(1, Schedulers.daemonThreads("switchboard-memory-bus-timer"));
            this.ownedScheduler.setRemoveOnCancelPolicy(true);
            this.scheduler = Schedulers.system(ownedScheduler);
        }
    }

    /** A bus with default settings and its own threads. */
    public static InMemoryEventBus create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<BusCapability> capabilities() {
        return CAPABILITIES;
    }

    /**
     * Offers the event to every consumer group of the topic. Completes at once: normally when every group buffered
     * it, exceptionally with {@link PublishRejectedException} when a group's partition was full or the bus is closed.
     */
    @Override
    public CompletionStage<Void> publish(String topic, CloudEvent event) {
        return publish(topic, event, null, false);
    }

    /** As {@link #publish(String, CloudEvent)}, into the partition of {@code partitionKey} in every group. */
    @Override
    public CompletionStage<Void> publish(String topic, CloudEvent event, String partitionKey) {
        return publish(topic, event, Objects.requireNonNull(partitionKey, "partitionKey"), true);
    }

    private CompletionStage<Void> publish(String topic, CloudEvent event, String partitionKey, boolean keyed) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(event, "event");
        if (closed) {
            return Stages.failed(new PublishRejectedException("in-memory bus is closed: event " + event.getId()
                    + " to topic '" + topic + "' was not accepted"));
        }
        Topic t = topics.get(topic);
        if (t == null) {
            return Stages.DONE; // no group has ever subscribed: nobody to keep it for
        }
        return t.publish(event, keyed ? partitionKey : null);
    }

    @Override
    public Subscription subscribe(String topic, String group, BusConsumer consumer) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(consumer, "consumer");
        if (closed) {
            throw new IllegalStateException("in-memory bus is closed: cannot subscribe to topic '" + topic + "'");
        }
        return topics.computeIfAbsent(topic, name -> new Topic(this, name)).join(group, consumer);
    }

    /** Events buffered or being delivered for {@code group} on {@code topic} (0 for unknown ones). */
    public long pending(String topic, String group) {
        Topic t = topics.get(topic);
        return t == null ? 0 : t.pending(group);
    }

    /**
     * Waits until {@code group} has no event buffered or being delivered on {@code topic}, the bus is closed, or
     * {@code deadlineNanos} ({@link System#nanoTime()} based) has passed; returns how many events are left. Woken by
     * the partitions as they finish events, not by polling.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public long awaitDelivered(String topic, String group, long deadlineNanos) throws InterruptedException {
        drainWaiters.incrementAndGet(); // before the first look: a partition finishing after it will signal
        try {
            synchronized (drained) {
                long left;
                while ((left = pending(topic, group)) > 0 && !closed) {
                    long wait = deadlineNanos - System.nanoTime();
                    if (wait <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(drained, wait);
                }
                return left;
            }
        } finally {
            drainWaiters.decrementAndGet();
        }
    }

    /**
     * Called by a partition after it finished an event (and by close): wakes {@link #awaitDelivered} waiters. Open
     * traffic without waiters pays one volatile read.
     */
    void eventFinished() {
        if (drainWaiters.get() > 0) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /** Events of {@code topic} that members of {@code group} hold past their turn, unacknowledged. */
    public long held(String topic, String group) {
        Topic t = topics.get(topic);
        return t == null ? 0 : t.held(group);
    }

    /** Events buffered or being delivered, over all topics and groups. */
    public long pending() {
        long sum = 0;
        for (Topic t : topics.values()) {
            sum += t.pending(null);
        }
        return sum;
    }

    /** Deliveries repeated after a failed stage, since the bus was created. */
    public long redelivered() {
        return redelivered.sum();
    }

    /** Events given up after {@link Builder#maxDeliveries} whose poison stage failed too (logged at ERROR). */
    public long deadLettered() {
        return deadLettered.sum();
    }

    /** Stops all deliveries, discards buffered events (logging how many), and stops the threads the bus created. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        eventFinished(); // waiters stop waiting for events that will not be delivered now
        long discarded = 0;
        for (Topic t : topics.values()) {
            discarded += t.close();
        }
        if (discarded > 0) {
            log.warn("in-memory bus closed with {} undelivered event(s) still buffered; they are discarded"
                    + " (the in-memory bus is not durable)", discarded);
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
        if (ownedScheduler != null) {
            ownedScheduler.shutdownNow();
        }
    }

    Duration backoffAfter(int deliveries) {
        long nanos = redeliveryBackoff.toNanos();
        for (int i = 1; i < deliveries && nanos < maxRedeliveryBackoff.toNanos(); i++) {
            nanos *= 2;
        }
        return Duration.ofNanos(Math.min(nanos, maxRedeliveryBackoff.toNanos()));
    }

    @Override
    public String toString() {
        return "InMemoryEventBus[partitions=" + partitions + ", capacity=" + capacity + ", maxDeliveries="
                + maxDeliveries + "]";
    }

    /**
     * Builds an {@link InMemoryEventBus}. Setters validate their argument. Not thread-safe.
     * Defaults: 8 partitions, 1024 events per partition, 5 deliveries, backoff 100 ms doubling to 5 s, leave timeout
     * 1 s, own threads.
     */
    public static final class Builder {
        private int partitions = 8;
        private int capacity = 1024;
        private int maxDeliveries = 5;
        private Duration redeliveryBackoff = Duration.ofMillis(100);
        private Duration maxRedeliveryBackoff = Duration.ofSeconds(5);
        private Duration leaveTimeout = Duration.ofSeconds(1);
        private Executor executor;
        private Scheduler scheduler;

        private Builder() {
        }

        /** Partitions per topic and group: the most events of different keys a group handles in parallel. */
        public Builder partitions(int partitions) {
            if (partitions < 1 || partitions > 4096) {
                throw new IllegalArgumentException("partitions must be between 1 and 4096, got " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /** Events each partition buffers before publishing is rejected (rounded up to a power of two). */
        public Builder capacity(int capacity) {
            if (capacity < 1 || capacity > (1 << 24)) {
                throw new IllegalArgumentException("capacity must be between 1 and 2^24, got " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /** Deliveries of one event (first plus redeliveries) before it goes to {@link BusConsumer#poison}. */
        public Builder maxDeliveries(int maxDeliveries) {
            if (maxDeliveries < 1) {
                throw new IllegalArgumentException("maxDeliveries must be at least 1, got " + maxDeliveries);
            }
            this.maxDeliveries = maxDeliveries;
            return this;
        }

        /** Wait before the first redelivery, doubling per further one up to {@code max}. */
        public Builder redeliveryBackoff(Duration initial, Duration max) {
            Objects.requireNonNull(initial, "initial");
            Objects.requireNonNull(max, "max");
            if (initial.isNegative() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("redelivery backoff must be non-negative with max >= initial, got "
                        + initial + " and " + max);
            }
            this.redeliveryBackoff = initial;
            this.maxRedeliveryBackoff = max;
            return this;
        }

        /**
         * How long closing a subscription waits for its unfinished deliveries before their events go to another
         * member (so one key is never handled by two members at once, unless a handler outlasts this). Default 1 s.
         */
        public Builder leaveTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("leaveTimeout must not be negative, got " + timeout);
            }
            this.leaveTimeout = timeout;
            return this;
        }

        /** Where deliveries run; the caller owns it. Default: the bus's own threads (virtual when available). */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Time for redelivery backoff (use a manual scheduler in tests). Default: the system clock, own thread. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        public InMemoryEventBus build() {
            return new InMemoryEventBus(this);
        }
    }
}
