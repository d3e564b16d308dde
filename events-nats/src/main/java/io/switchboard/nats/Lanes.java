package io.switchboard.nats;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Ordered-per-key, parallel-across-keys handling of deliveries: a delivery goes to the lane its key hashes to, and a
 * lane runs one delivery at a time, moving on only when the consumer's stage completed. A failed stage is NAK'd with a
 * delay and <em>parks</em> its lane until JetStream redelivers that very message, which then goes first; so later
 * events of its key never overtake it. A delivery given back (partition moved) releases a lane that waited on it.
 */
final class Lanes {

    private static final Logger log = LoggerFactory.getLogger(Lanes.class);

    private final Lane[] lanes;
    private final Executor executor;
    private final Function<Delivery, CompletionStage<Void>> handler;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final String owner;
    private volatile boolean stopped;

    Lanes(int count, Executor executor, Function<Delivery, CompletionStage<Void>> handler, Duration initialBackoff,
          Duration maxBackoff, String owner) {
        this.lanes = new Lane[count];
        for (int i = 0; i < count; i++) {
            lanes[i] = new Lane();
        }
        this.executor = executor;
        this.handler = handler;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.owner = owner;
    }

    void enqueue(Delivery delivery) {
        laneOf(delivery).offer(delivery, false);
    }

    /** A redelivery of a message whose failure parked its lane: it goes first, and the lane resumes. */
    void resume(Delivery delivery) {
        laneOf(delivery).offer(delivery, true);
    }

    /** Unparks every lane parked on a message of {@code partition} (which left this member). */
    void unpark(PartitionConsumer partition) {
        for (Lane lane : lanes) {
            lane.unparkIf(partition);
        }
    }

    /** Deliveries whose consumer stage is under way right now, for {@code partition} (or all if null). */
    int running(PartitionConsumer partition) {
        int n = 0;
        for (Lane lane : lanes) {
            Delivery current = lane.current;
            if (current != null && current.state() == Delivery.RUNNING && (partition == null || current.partition == partition)) {
                n++;
            }
        }
        return n;
    }

    void stop() {
        stopped = true;
    }

    Duration backoff(long deliveries) {
        long millis = initialBackoff.toMillis();
        for (long i = 1; i < deliveries && millis < maxBackoff.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }

    private Lane laneOf(Delivery delivery) {
        int h = delivery.laneHash;
        h ^= h >>> 16;
        return lanes[Math.floorMod(h, lanes.length)];
    }

    private final class Lane implements Runnable {
        private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
        private boolean active; // guarded by this
        private Delivery parkedOn; // guarded by this
        /** The delivery this lane works on; written by the thread that holds {@link #active}. */
        volatile Delivery current;
        private final AtomicReference<Delivery> waiting = new AtomicReference<>();

        void offer(Delivery delivery, boolean first) {
            synchronized (this) {
                if (first && parkedOn != null && parkedOn.partition == delivery.partition
                        && parkedOn.sequence == delivery.sequence) {
                    parkedOn = null;
                    queue.addFirst(delivery);
                } else {
                    queue.addLast(delivery);
                }
                if (active || parkedOn != null) {
                    return;
                }
                active = true;
            }
            submit();
        }

        void unparkIf(PartitionConsumer partition) {
            synchronized (this) {
                if (parkedOn == null || parkedOn.partition != partition) {
                    return;
                }
                parkedOn = null;
                if (active) {
                    return;
                }
                active = true;
            }
            submit();
        }

        private void submit() {
            try {
                executor.execute(this);
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    active = false; // stopped: what is left is given back by its partition
                }
            }
        }

        @Override
        public void run() {
            while (true) {
                Delivery delivery;
                synchronized (this) {
                    if (stopped || parkedOn != null || queue.isEmpty()) {
                        active = false;
                        current = null;
                        return;
                    }
                    delivery = queue.poll();
                }
                if (!delivery.startTurn()) {
                    continue; // given back with its partition
                }
                current = delivery;
                CompletableFuture<Void> outcome = start(delivery);
                if (outcome.isDone()) {
                    if (!settle(delivery, outcome)) {
                        return; // parked until the redelivery arrives
                    }
                    continue;
                }
                // the lane stays active until the stage completes, or until the delivery is given back with its
                // partition: then the lane moves on and the stage's late outcome is ignored
                waiting.set(delivery);
                outcome.whenComplete((ignored, error) -> {
                    if (waiting.compareAndSet(delivery, null) && settle(delivery, outcome)) {
                        submit();
                    }
                });
                delivery.onAbandon(() -> {
                    if (waiting.compareAndSet(delivery, null)) {
                        submit();
                    }
                });
                return;
            }
        }

        private CompletableFuture<Void> start(Delivery delivery) {
            try {
                CompletionStage<Void> stage = handler.apply(delivery);
                if (stage == null) {
                    return CompletableFuture.failedFuture(new IllegalStateException(
                            "the consumer returned a null stage; return a completed stage to acknowledge"));
                }
                return stage.toCompletableFuture();
            } catch (Throwable e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        /** Returns true if the lane may go on; false if it parked on a failed delivery. */
        private boolean settle(Delivery delivery, CompletableFuture<Void> outcome) {
            current = null;
            if (!outcome.isCompletedExceptionally()) {
                delivery.turnSucceeded();
                return true;
            }
            Duration delay = backoff(delivery.deliveries);
            Throwable error = outcome.handle((v, e) -> e).join();
            synchronized (this) {
                // park before the NAK goes out, so a fast redelivery cannot arrive ahead of the parking
                parkedOn = delivery;
                active = false;
            }
            if (!delivery.turnFailed(delay)) {
                synchronized (this) {
                    if (parkedOn == delivery) {
                        parkedOn = null;
                        active = true;
                    } else {
                        return false; // someone else resumed the lane meanwhile
                    }
                }
                return true;
            }
            log.warn("{}: handling {} failed (delivery {}); redelivered in {} ms: {}", owner, delivery.describe(),
                    delivery.deliveries, delay.toMillis(), String.valueOf(unwrap(error)));
            return false;
        }
    }

    static Throwable unwrap(Throwable error) {
        while ((error instanceof CompletionException || error instanceof java.util.concurrent.ExecutionException)
                && error.getCause() != null) {
            error = error.getCause();
        }
        return error;
    }
}
