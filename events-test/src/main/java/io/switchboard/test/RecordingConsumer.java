package io.switchboard.test;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Acknowledgement;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.PoisonMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A bus consumer for the compatibility kit: records every delivery (redeliveries included) and every
 * acknowledgement it gives, and answers each delivery with a configurable behaviour. Thread-safe.
 */
final class RecordingConsumer implements BusConsumer {

    private final List<CloudEvent> deliveries = new CopyOnWriteArrayList<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final List<PoisonMessage> poison = new CopyOnWriteArrayList<>();
    private final boolean handlesPoison;
    private volatile Function<CloudEvent, CompletionStage<Void>> behaviour = e -> CompletableFuture.completedFuture(null);
    private volatile Predicate<CloudEvent> holding = e -> false;
    private final Map<String, Acknowledgement> held = new ConcurrentHashMap<>();
    private final Set<String> returned = ConcurrentHashMap.newKeySet();

    /** @param handlesPoison whether {@link #poison} records and acknowledges, or keeps the failing default */
    RecordingConsumer(boolean handlesPoison) {
        this.handlesPoison = handlesPoison;
    }

    RecordingConsumer() {
        this(true);
    }

    /** How each delivery is answered from now on; the returned stage (or thrown exception) goes to the bus. */
    RecordingConsumer answering(Function<CloudEvent, CompletionStage<Void>> behaviour) {
        this.behaviour = behaviour;
        return this;
    }

    /**
     * Which events to {@link Acknowledgement#hold() hold} when the bus hands over an acknowledgement (buses with
     * held acknowledgement); a held event is kept until {@link #release(String)}.
     */
    RecordingConsumer holding(Predicate<CloudEvent> holding) {
        this.holding = holding;
        return this;
    }

    @Override
    public CompletionStage<Void> deliver(CloudEvent event, Acknowledgement acknowledgement) {
        if (holding.test(event)) {
            String id = event.getId();
            acknowledgement.hold();
            held.put(id, acknowledgement);
            acknowledgement.whenReturned(() -> {
                returned.add(id);
                held.remove(id, acknowledgement);
            });
        }
        return deliver(event);
    }

    /** Releases the hold on {@code id}; returns whether this consumer held it. */
    boolean release(String id) {
        Acknowledgement acknowledgement = held.remove(id);
        if (acknowledgement == null) {
            return false;
        }
        acknowledgement.release();
        return true;
    }

    /** Ids this consumer holds now (held and neither released nor taken back). */
    Set<String> heldIds() {
        return Set.copyOf(held.keySet());
    }

    /** Ids of held events the bus took back ({@link Acknowledgement#whenReturned} ran). */
    Set<String> returnedIds() {
        return Set.copyOf(returned);
    }

    @Override
    public CompletionStage<Void> deliver(CloudEvent event) {
        deliveries.add(event);
        // The bus gets the recording stage, not the behaviour's own: a bus's reaction to completion (its acknowledgement)
        // must never run before the event is recorded as acknowledged, or a crash in between would look like a loss.
        return behaviour.apply(event).whenComplete((v, failure) -> {
            if (failure == null) {
                acknowledged.add(event.getId());
            }
        });
    }

    @Override
    public CompletionStage<Void> poison(PoisonMessage message) {
        poison.add(message);
        return handlesPoison ? CompletableFuture.completedFuture(null) : BusConsumer.super.poison(message);
    }

    /** Every delivery so far, in arrival order, redeliveries included. */
    List<CloudEvent> deliveries() {
        return new ArrayList<>(deliveries);
    }

    int deliveryCount() {
        return deliveries.size();
    }

    /** Ids of events whose stage this consumer completed normally. */
    Set<String> acknowledgedIds() {
        return Set.copyOf(acknowledged);
    }

    /** How many times each event id was delivered. */
    Map<String, Integer> deliveriesById() {
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        for (CloudEvent e : deliveries) {
            counts.merge(e.getId(), 1, Integer::sum);
        }
        return counts;
    }

    boolean received(String id) {
        for (CloudEvent e : deliveries) {
            if (e.getId().equals(id)) {
                return true;
            }
        }
        return false;
    }

    int timesReceived(String id) {
        int n = 0;
        for (CloudEvent e : deliveries) {
            if (e.getId().equals(id)) {
                n++;
            }
        }
        return n;
    }

    List<PoisonMessage> poisonMessages() {
        return new ArrayList<>(poison);
    }

    /** Counts deliveries per key of events arriving while another of the same key is unfinished. */
    static final class OverlapDetector {
        private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        private final List<String> overlaps = new CopyOnWriteArrayList<>();

        void started(String key, String id) {
            if (inFlight.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
                overlaps.add(id + " (key " + key + ")");
            }
        }

        void finished(String key) {
            inFlight.get(key).decrementAndGet();
        }

        List<String> overlaps() {
            return List.copyOf(overlaps);
        }
    }
}
