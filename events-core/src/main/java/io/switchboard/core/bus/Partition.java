package io.switchboard.core.bus;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.switchboard.api.PoisonMessage;
import io.switchboard.core.internal.dispatch.MpscRing;
import io.switchboard.core.internal.dispatch.Stages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
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
        return ring.size() + (current == null ? 0 : 1);
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
                event = ring.poll();
                if (event == null) {
                    scheduled.set(false);
                    if (!ring.isEmpty() && scheduled.compareAndSet(false, true)) {
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
            try {
                stage = member.consumer.deliver(event);
                if (stage == null) {
                    stage = Stages.failed(new NullPointerException("BusConsumer.deliver returned null"));
                }
            } catch (Throwable t) {
                stage = Stages.failed(t);
            }
            if (Stages.completedNormally(stage)) {
                current = null;
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
            }
            if (member.closed()) {
                abandon(member); // it closed while we delivered: its leave may have looked before we waited
            }
            Member deliveredTo = member;
            CloudEvent delivered = event;
            stage.whenComplete((ignored, failure) -> onOutcome(number, deliveredTo, delivered, failure));
            return;
        }
    }

    /**
     * {@code member} left its group: if the partition waits for its unfinished stage, the delivery is abandoned
     * unacknowledged and the event goes to the next member at once; the late outcome is ignored.
     */
    void abandon(Member member) {
        synchronized (this) {
            if (waitingFor != member) {
                return;
            }
            waitingFor = null;
            wait++;
            deliveries--; // the abandoned delivery says nothing about the event
        }
        bus.redelivered.increment();
        submit();
    }

    private void onOutcome(long number, Member member, CloudEvent event, Throwable failure) {
        synchronized (this) {
            if (number != wait || waitingFor != member) {
                return; // abandoned: the member left before finishing, the event went to another member
            }
            waitingFor = null;
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
