package io.switchboard.core.bus;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.switchboard.api.PoisonMessage;
import io.switchboard.core.internal.dispatch.MpscRing;
import io.switchboard.core.internal.dispatch.Stages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One partition of a consumer group: a bounded lock-free ring drained by at most one task at a time.
 *
 * <p>The drain delivers the head event and, unless the consumer's stage is already complete, returns and lets the
 * stage's completion resume it — so at most one event per partition is in flight and a failed event is redelivered
 * before anything behind it (per-key order). When the member it waits for leaves the group, the delivery is abandoned
 * unacknowledged and the event goes to the next member at once. {@code scheduled} is the single-consumer guard:
 * whoever flips it false→true owns {@code current} and {@code deliveries} until it flips it back.
 *
 * <p>Held events ({@link HeldAcknowledgement}): an event whose consumer held it past its turn leaves {@code current}
 * like an acknowledged one, so the partition goes on, but stays in {@code held} until released. When the partition's
 * member changes (a member joins or leaves the group), events held by another member are taken back and queued in
 * {@code returned}, which the drain empties before the ring: they are older than anything buffered.
 */
final class Partition implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Partition.class);
    private static final int BUDGET = 256;

    private final InMemoryEventBus bus;
    private final ConsumerGroup group;
    private final int index;
    private final MpscRing<CloudEvent> ring;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile CloudEvent current;
    private int deliveries;
    /** The member whose unfinished stage the partition waits for, and that wait's number; guarded by {@code this}. */
    private Member waitingFor;
    private long wait;
    /** The acknowledgement of the delivery waited for, if its consumer takes one; guarded by {@code this}. */
    private HeldAcknowledgement waitingAck;
    /** The stage of the delivery waited for; guarded by {@code this}. */
    private CompletionStage<Void> waitingStage;
    /** Events held past their turn, in delivery order; created on first use, guarded by {@code this}. */
    private LinkedHashSet<HeldAcknowledgement> held;
    /** Held events taken back from a member that no longer owns the partition; guarded by {@code this}. */
    private ArrayDeque<CloudEvent> returned;
    /** {@code returned}'s size, readable without the lock so the drain checks it for free. */
    private volatile int returnedCount;

    Partition(InMemoryEventBus bus, ConsumerGroup group, int index) {
        this.bus = bus;
        this.group = group;
        this.index = index;
        this.ring = new MpscRing<>(bus.capacity);
    }

    int index() {
        return index;
    }

    int capacity() {
        return ring.capacity();
    }

    long pending() {
        return ring.size() + returnedCount + (current == null ? 0 : 1);
    }

    /** Events held past their turn right now. */
    synchronized int held() {
        return held == null ? 0 : held.size();
    }

    boolean offer(CloudEvent event) {
        if (!ring.offer(event)) {
            return false;
        }
        wake();
        return true;
    }

    /** Starts a drain unless one is running or waiting for a stage. */
    void wake() {
        if (!bus.closed && !scheduled.get() && scheduled.compareAndSet(false, true)) {
            submit();
        }
    }

    @Override
    public void run() {
        int budget = BUDGET;
        while (true) {
            if (bus.closed) {
                return; // stays "scheduled": nothing runs after close
            }
            CloudEvent event = current;
            if (event == null) {
                event = returnedCount != 0 ? pollReturned() : null;
                if (event == null) {
                    event = ring.poll();
                }
                if (event == null) {
                    scheduled.set(false);
                    if ((!ring.isEmpty() || returnedCount != 0) && scheduled.compareAndSet(false, true)) {
                        continue;
                    }
                    return;
                }
                current = event;
                deliveries = 0;
            }
            Member member = group.memberFor(index);
            if (member == null) {
                scheduled.set(false);
                // a member may have joined between the read and the flag: its wake found us scheduled
                if (group.memberFor(index) != null && scheduled.compareAndSet(false, true)) {
                    continue;
                }
                return;
            }
            deliveries++;
            CompletionStage<Void> stage;
            HeldAcknowledgement ack = member.takesAcknowledgement
                    ? new HeldAcknowledgement(this, member, event) : null;
            try {
                stage = ack == null ? member.consumer.deliver(event) : member.consumer.deliver(event, ack);
                if (stage == null) {
                    stage = Stages.failed(new NullPointerException("BusConsumer.deliver returned null"));
                }
            } catch (Throwable t) {
                stage = Stages.failed(t);
            }
            if (Stages.completedNormally(stage)) {
                current = null;
                if (ack != null && ack.turnEnded(true)) {
                    addHeld(ack);
                }
                bus.eventFinished();
                if (--budget == 0) {
                    submit(); // let other partitions have the thread
                    return;
                }
                continue;
            }
            long number;
            synchronized (this) {
                number = ++wait;
                waitingFor = member;
                waitingAck = ack;
                waitingStage = stage;
            }
            if (member.closed()) {
                abandon(member); // it closed while we delivered: its leave may have looked before we waited
            }
            Member deliveredTo = member;
            CloudEvent delivered = event;
            stage.whenComplete((ignored, failure) -> onOutcome(number, deliveredTo, delivered, ack, failure));
            return;
        }
    }

    /**
     * {@code member} is leaving its group: if the partition waits for its unfinished stage, waits for it until
     * {@code deadline} (nanoTime) so that the event's outcome is known before another member gets the key — then
     * the outcome is handled as usual; past the deadline the delivery is abandoned ({@link #abandon}).
     */
    void awaitOrAbandon(Member member, long deadline) {
        CompletionStage<Void> stage;
        synchronized (this) {
            stage = waitingFor == member ? waitingStage : null;
        }
        if (stage != null) {
            try {
                stage.toCompletableFuture().get(Math.max(0, deadline - System.nanoTime()),
                        java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception | Error e) {
                // timed out, failed (its outcome redelivers), or a stage that cannot be waited for: abandon below
            }
        }
        abandon(member);
    }

    /**
     * {@code member} left its group: if the partition waits for its unfinished stage, the delivery is abandoned
     * unacknowledged and the event goes to the next member at once; the late outcome is ignored.
     */
    void abandon(Member member) {
        HeldAcknowledgement ack;
        synchronized (this) {
            if (waitingFor != member) {
                return;
            }
            waitingFor = null;
            ack = waitingAck;
            waitingAck = null;
            waitingStage = null;
            wait++;
            deliveries--; // the abandoned delivery says nothing about the event
        }
        if (ack != null) {
            ack.takeBack(); // the consumer may already hold it: it must forget it, the event goes to another member
        }
        bus.redelivered.increment();
        submit();
    }

    private void onOutcome(long number, Member member, CloudEvent event, HeldAcknowledgement ack, Throwable failure) {
        synchronized (this) {
            if (number != wait || waitingFor != member) {
                return; // abandoned: the member left before finishing, the event went to another member
            }
            waitingFor = null;
            waitingAck = null;
            waitingStage = null;
        }
        if (ack != null && ack.turnEnded(failure == null)) {
            addHeld(ack);
        }
        if (failure == null) {
            current = null;
            bus.eventFinished();
            submit();
            return;
        }
        if (deliveries < bus.maxDeliveries) {
            bus.redelivered.increment();
            log.debug("redelivering event {} on topic '{}' group '{}' after failed delivery {}: {}", event.getId(),
                    group.topic(), group.name(), deliveries, failure.toString());
            bus.scheduler.schedule(bus.backoffAfter(deliveries), this::submit);
            return;
        }
        PoisonMessage poison = poisonOf(event, failure);
        CompletionStage<Void> stage;
        try {
            stage = member.consumer.poison(poison);
        } catch (Throwable t) {
            stage = Stages.failed(t);
        }
        stage.whenComplete((ignored, poisonFailure) -> {
            if (poisonFailure != null) {
                bus.deadLettered.increment();
                log.error("in-memory bus gave up on event after {} deliveries and its consumer's poison handler failed"
                        + " ({}); event dropped: topic='{}' group='{}' {} last error: {}", deliveries, poisonFailure,
                        group.topic(), group.name(), describe(event), failure.toString());
            }
            current = null;
            bus.eventFinished();
            submit();
        });
    }

    private void addHeld(HeldAcknowledgement ack) {
        synchronized (this) {
            if (held == null) {
                held = new LinkedHashSet<>();
            }
            held.add(ack);
        }
        if (ack.member.closed() || group.memberFor(index) != ack.member) {
            reassigned(); // the member left or lost the partition while the event was in its turn
        }
    }

    /** A held event was released (acknowledged). */
    void releaseHeld(HeldAcknowledgement ack) {
        synchronized (this) {
            if (held != null) {
                held.remove(ack);
            }
        }
    }

    /**
     * The group's membership changed: events held by a member that no longer owns this partition go back to the
     * partition, to be delivered to its current owner before anything buffered.
     */
    void reassigned() {
        Member owner = group.memberFor(index);
        List<HeldAcknowledgement> back = null;
        synchronized (this) {
            if (held == null || held.isEmpty()) {
                return;
            }
            for (java.util.Iterator<HeldAcknowledgement> it = held.iterator(); it.hasNext(); ) {
                HeldAcknowledgement a = it.next();
                if (a.member != owner || a.member.closed()) {
                    it.remove();
                    if (back == null) {
                        back = new ArrayList<>();
                    }
                    back.add(a);
                }
            }
        }
        if (back == null) {
            return;
        }
        int count = 0;
        for (HeldAcknowledgement a : back) {
            if (a.takeBack()) {
                synchronized (this) {
                    if (returned == null) {
                        returned = new ArrayDeque<>();
                    }
                    returned.add(a.event);
                    returnedCount = returned.size();
                }
                count++;
            }
        }
        bus.redelivered.add(count);
        wake();
    }

    private CloudEvent pollReturned() {
        synchronized (this) {
            CloudEvent e = returned == null ? null : returned.poll();
            returnedCount = returned == null ? 0 : returned.size();
            return e;
        }
    }

    private void submit() {
        if (bus.closed) {
            return;
        }
        try {
            bus.executor.execute(this);
        } catch (RejectedExecutionException e) {
            if (!bus.closed) {
                log.error("in-memory bus executor refused partition {} of topic '{}'; {} event(s) wait until the next"
                        + " publish", index, group.topic(), pending(), e);
                scheduled.set(false);
            }
        }
    }

    private PoisonMessage poisonOf(CloudEvent event, Throwable failure) {
        byte[] payload;
        try {
            payload = new JsonFormat().serialize(event);
        } catch (RuntimeException e) {
            payload = new byte[0];
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", JsonFormat.CONTENT_TYPE);
        headers.put("ce-id", event.getId());
        headers.put("ce-type", event.getType());
        headers.put("ce-source", event.getSource().toString());
        return new PoisonMessage(group.topic(), payload, headers, "delivery failed " + deliveries
                + " times, last error: " + failure, "group " + group.name() + " partition " + index);
    }

    private static String describe(CloudEvent event) {
        StringBuilder s = new StringBuilder("id=").append(event.getId()).append(" type=").append(event.getType())
                .append(" source=").append(event.getSource());
        if (event.getSubject() != null) {
            s.append(" subject=").append(event.getSubject());
        }
        for (String name : event.getExtensionNames()) {
            s.append(' ').append(name).append('=').append(event.getExtension(name));
        }
        return s.toString();
    }
}
