package io.switchboard.nats;

import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.ConsumerInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * Consumption of one durable pull consumer (one group's consumer of one partition subject) while this member owns it.
 *
 * <p>A puller thread fetches batches and hands each message to the {@link Lanes} as a {@link Delivery}; every message
 * fetched and not yet settled is kept alive with in-progress acks ({@link #keepAlive()}), so neither a slow handler
 * nor a long hold is redelivered under the ack wait. JetStream's max ack pending bounds what is outstanding.
 *
 * <p><b>The fence.</b> Previous owners of the partition may have left messages unacknowledged (a crash: they come
 * back when their ack wait ends; a clean hand-over: they were NAK'd). JetStream redelivers such messages ahead of new
 * ones, but only once they are due, so a new owner could otherwise see a key's later event before its earlier one
 * (also a redelivered later one: an owner in between may have NAK'd it while an earlier one still waited for its ack
 * wait). So when a member takes over a consumer with acknowledgements pending, it keeps everything it receives back
 * until every pending message of the consumer is in its own hands (the server's ack-pending count no larger than
 * what this member holds); then the kept-back messages follow in stream order.
 */
final class PartitionConsumer {

    private static final Logger log = LoggerFactory.getLogger(PartitionConsumer.class);
    private static final Duration PULL_WAIT = Duration.ofMillis(500);
    private static final long FENCE_CHECK_NANOS = Duration.ofMillis(50).toNanos();

    final int partition;
    final String durable;
    private final String stream;
    private final String subject;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final Lanes lanes;
    private final int batch;
    private final ToIntFunction<Message> laneHash;
    private final String name;
    private final Set<Delivery> open = ConcurrentHashMap.newKeySet();
    private final Map<Long, Boolean> awaitingRedelivery = new ConcurrentHashMap<>();
    private final ArrayDeque<Delivery> keptBack = new ArrayDeque<>(); // puller thread only
    private volatile boolean running;
    /** Set when the partition starts leaving this member: queued deliveries no longer start their turn. */
    private volatile boolean revoking;
    private volatile boolean aborted;
    private volatile boolean fenced;
    private long nextFenceCheck; // puller thread only
    private volatile long leaseRevision;
    private volatile long validUntilNanos;
    private volatile boolean leased;
    private JetStreamSubscription subscription;
    private Thread puller;

    PartitionConsumer(int partition, String stream, String durable, String subject, JetStream js,
                      JetStreamManagement jsm, Lanes lanes, int batch, ToIntFunction<Message> laneHash, String name) {
        this.partition = partition;
        this.stream = stream;
        this.durable = durable;
        this.subject = subject;
        this.js = js;
        this.jsm = jsm;
        this.lanes = lanes;
        this.batch = batch;
        this.laneHash = laneHash;
        this.name = name;
    }

    /**
     * Starts pulling. {@code checkFence}: take over from a previous owner (see the class comment).
     *
     * @throws Exception if the consumer cannot be bound
     */
    void start(boolean checkFence) throws Exception {
        if (checkFence) {
            ConsumerInfo info = jsm.getConsumerInfo(stream, durable);
            fenced = info.getNumAckPending() > 0;
            if (fenced) {
                log.debug("{}: taking over with {} acknowledgements pending; first deliveries wait until they are"
                        + " redelivered here", name, info.getNumAckPending());
            }
        }
        subscription = js.subscribe(subject, PullSubscribeOptions.fastBind(stream, durable));
        running = true;
        puller = new Thread(this::pull, name + "-pull");
        puller.setDaemon(true);
        puller.start();
    }

    long leaseRevision() {
        return leaseRevision;
    }

    /** The lease was (re)written with {@code revision}; it is trusted until {@code validForNanos} from now. */
    void leaseRenewed(long revision, long validForNanos) {
        this.leaseRevision = revision;
        this.validUntilNanos = System.nanoTime() + validForNanos;
        this.leased = true;
    }

    /** Whether the lease (if this consumer is leased at all) may have passed to another member by now. */
    boolean leaseExpired() {
        return leased && System.nanoTime() - validUntilNanos > 0;
    }

    private void pull() {
        while (running) {
            try {
                Iterator<Message> messages = subscription.iterate(batch, PULL_WAIT);
                while (messages.hasNext()) {
                    accept(messages.next());
                }
                if (fenced) {
                    checkFence();
                }
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                log.debug("{}: pulling failed ({}); retrying", name, e.toString());
                sleep(Duration.ofMillis(200));
            }
        }
    }

    private void accept(Message message) {
        if (aborted) {
            return; // a crash: the message comes back after its ack wait
        }
        var meta = message.metaData();
        Delivery delivery = new Delivery(this, message, meta.streamSequence(), meta.deliveredCount(),
                laneHash.applyAsInt(message));
        open.add(delivery);
        if (running && leaseExpired()) {
            // the lease may belong to another member by now: stop for good (a renewal arriving later must not let a
            // later message of a key run here while this one waits), and let the coordinator give the partition up
            stopPulling();
            log.warn("{}: lease not renewed in time; stopping this partition", name);
        }
        if (!running) {
            // never handed to the consumer; given back with the rest, in sequence order, when the partition is released
            return;
        }
        if (awaitingRedelivery.remove(delivery.sequence) != null) {
            lanes.resume(delivery);
        } else if (fenced) {
            keptBack.add(delivery);
            if (System.nanoTime() - nextFenceCheck > 0) {
                checkFence();
            }
        } else {
            lanes.enqueue(delivery);
        }
    }

    private void checkFence() {
        nextFenceCheck = System.nanoTime() + FENCE_CHECK_NANOS;
        try {
            ConsumerInfo info = jsm.getConsumerInfo(stream, durable);
            // everything the server counts as pending is in this member's hands (what is still on its way here only
            // makes the server's count larger, never smaller): no earlier message of any key can come back later
            if (info.getNumAckPending() <= open.size() + awaitingRedelivery.size()) {
                fenced = false;
                log.debug("{}: previous owners' messages all here; {} kept back now follow", name, keptBack.size());
                List<Delivery> inOrder = new ArrayList<>(keptBack);
                inOrder.sort(Comparator.comparingLong(d -> d.sequence));
                for (Delivery d : inOrder) {
                    lanes.enqueue(d);
                }
                keptBack.clear();
            }
        } catch (Exception e) {
            log.debug("{}: reading consumer info failed ({}); the fence stays", name, e.toString());
        }
    }

    /** Whether this consumer stopped on its own (its lease was not renewed in time) and waits to be released. */
    boolean stoppedOnItsOwn() {
        return revoking && leased;
    }

    /** Whether deliveries may still start: false once the partition is leaving this member. */
    boolean accepting() {
        return !revoking;
    }

    /** A delivery was acknowledged. */
    void settled(Delivery delivery) {
        open.remove(delivery);
    }

    /** A delivery's stage failed and it was NAK'd with a delay; its redelivery resumes its lane. */
    void awaitRedelivery(Delivery delivery) {
        awaitingRedelivery.put(delivery.sequence, Boolean.TRUE);
        open.remove(delivery);
    }

    /** Sends in-progress acks for every open message: handlers still running, queued or holding. */
    void keepAlive() {
        if (aborted) {
            return;
        }
        // in sequence order: after a crash, JetStream redelivers in the order the ack waits end, and those end in
        // the order of the last in-progress acks; so earlier messages of a key come back first
        List<Delivery> inOrder = new ArrayList<>(open);
        inOrder.sort(Comparator.comparingLong(d -> d.sequence));
        for (Delivery d : inOrder) {
            try {
                d.keepAlive();
            } catch (RuntimeException e) {
                log.debug("{}: in-progress ack failed ({})", name, e.toString());
            }
        }
    }

    /** Stops pulling (and starting deliveries) without waiting; {@link #awaitPuller()} waits for the last pull. */
    void stopPulling() {
        revoking = true;
        running = false;
    }

    /** Returns once the puller finished its last pull, so no message is on its way to this member any more. */
    void awaitPuller() {
        Thread t = puller;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(PULL_WAIT.toMillis() * 4);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    int running() {
        return lanes.running(this);
    }

    /**
     * Gives every open message back, NAK'd in sequence order so the next owner gets them first and in order, runs
     * their {@code whenReturned} actions, and unsubscribes. Call after {@link #stopPulling()}, {@link #awaitPuller()} and after waiting for
     * running handlers as long as the caller allows.
     */
    void giveBack() {
        List<Delivery> all = new ArrayList<>(open);
        all.addAll(keptBack);
        all.sort(Comparator.comparingLong(d -> d.sequence));
        for (Delivery d : all) {
            try {
                d.giveBack(true);
            } catch (RuntimeException e) {
                log.debug("{}: NAK of {} failed ({}); it returns after its ack wait", name, d.describe(), e.toString());
            }
        }
        open.clear();
        keptBack.clear();
        awaitingRedelivery.clear();
        lanes.unpark(this);
        unsubscribe();
    }

    /** Stops like a crash: nothing more is acknowledged or NAK'd; unsettled messages return after their ack wait. */
    void abort() {
        aborted = true;
        revoking = true;
        running = false;
        for (Delivery d : open) {
            d.giveBack(false);
        }
        open.clear();
        awaitingRedelivery.clear();
        lanes.unpark(this);
        unsubscribe();
        awaitPuller();
    }

    private void unsubscribe() {
        try {
            if (subscription != null && subscription.isActive()) {
                subscription.unsubscribe();
            }
        } catch (RuntimeException e) {
            log.debug("{}: unsubscribe failed ({})", name, e.toString());
        }
    }

    int open() {
        return open.size();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
