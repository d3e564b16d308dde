package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Firing;
import io.switchboard.api.FullQueuePolicy;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.internal.SubscriberCounters;
import io.switchboard.core.internal.delivery.DeliveryPipeline;
import io.switchboard.core.internal.trigger.FiringGate;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Asynchronous delivery: {@code concurrency} lanes, each a bounded lock-free ring drained by one task at a time on
 * the executor. A firing goes to the lane chosen by the hash of its ordering key, so firings of one key are delivered
 * one after another in arrival order while different keys proceed in parallel. A lane waits for each firing's
 * pipeline stage before starting the next one (a retry of one firing is never overtaken by a later firing of its
 * key). A full lane applies the subscriber's {@link FullQueuePolicy}; there is no dropping.
 */
final class AsyncDispatch extends SubscriberDispatch {

    private final Lane[] lanes;
    private final KeyExtractor key;
    private final FullQueuePolicy whenFull;
    private final long blockNanos;

    AsyncDispatch(Trigger trigger, Subscriber subscriber, FiringGate gate, DeliveryPipeline pipeline,
                  SubscriberCounters counters, Executor executor) {
        super(trigger, subscriber, gate, pipeline, counters);
        int concurrency = subscriber.concurrency();
        int perLane = Math.max(1, (subscriber.queueCapacity() + concurrency - 1) / concurrency);
        this.lanes = new Lane[concurrency];
        for (int i = 0; i < concurrency; i++) {
            lanes[i] = new Lane(this, executor, perLane);
        }
        this.key = new KeyExtractor(subscriber.orderingKey());
        this.whenFull = subscriber.whenFull();
        this.blockNanos = whenFull instanceof FullQueuePolicy.Block block ? block.timeout().toNanos() : 0;
    }

    @Override
    Tracker accept(Firing firing, Tracker tracker) {
        Tracker t = tracker == null ? new Tracker() : tracker;
        Lane lane = lanes[laneOf(firing.event())];
        Lane.Task task = new Lane.Task(firing, t);
        t.add();
        outstanding.incrementAndGet();
        if (lane.offer(task) || (blockNanos > 0 && waitForRoom(lane, task))) {
            return t;
        }
        outstanding.decrementAndGet();
        t.done();
        counters.rejected.increment();
        PublishRejectedException rejected = new PublishRejectedException("subscriber '" + subscriber + "' of trigger '"
                + trigger + "' is full: " + lane.capacity() + " firings queued for the ordering key of event "
                + firing.event().getId() + (whenFull instanceof FullQueuePolicy.Block b
                        ? " and no room freed within " + b.timeout() : " (policy: fail at once)")
                + ". Its handler is slower than events arrive: raise Subscriber.queueCapacity(..) or concurrency(..),"
                + " use whenFull(FullQueuePolicy.block(timeout)) with a longer timeout, or make the handler faster");
        t.reject(rejected);
        log.warn(rejected.getMessage());
        return t;
    }

    /** Parks with growing pauses until the lane takes the task or the block timeout passes. */
    private boolean waitForRoom(Lane lane, Lane.Task task) {
        long deadline = System.nanoTime() + blockNanos;
        long pause = 1_000;
        for (int spins = 0; ; spins++) {
            if (spins < 64) {
                Thread.onSpinWait();
            } else if (spins < 96) {
                Thread.yield();
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(Math.min(pause, left));
                pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(1));
            }
            if (lane.offer(task)) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
        }
    }

    private int laneOf(CloudEvent event) {
        if (lanes.length == 1) {
            return 0;
        }
        Object k = key.key(event);
        int h = (k != null ? k : event.getId()).hashCode();
        h ^= h >>> 16;
        return Math.floorMod(h, lanes.length);
    }

    @Override
    public long queueDepth() {
        long depth = 0;
        for (Lane lane : lanes) {
            depth += lane.size();
        }
        return depth;
    }
}
