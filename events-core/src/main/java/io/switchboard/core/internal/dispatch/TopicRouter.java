package io.switchboard.core.internal.dispatch;

import io.cloudevents.CloudEvent;
import io.switchboard.api.Acknowledgement;
import io.switchboard.api.BusConsumer;
import io.switchboard.api.PoisonMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * The runtime's one consumer of one topic on one bus: routes every event through the topic's current
 * {@link RoutingTable}. The table is read once per event (acquire) and swapped whole by writers (release), so an
 * event meets exactly one version of every trigger and publishing never locks.
 *
 * <p>The stage returned to the bus completes when every firing the event caused has been accepted and, for
 * asynchronous or late-completing sinks, finished (delivered or given up by the delivery pipeline) — the bus
 * acknowledges after handling, never before; except that a batching or debouncing subscriber's firing counts once it
 * is in the buffer (see {@link Lane}). It fails when a subscriber refused the firing (full queue) or a firing was
 * given up and its dead-letter sink failed ({@code DeadLetterException}), so the bus redelivers (at-least-once). A synchronous dispatch returns a shared completed stage and allocates nothing here.
 */
public final class TopicRouter implements BusConsumer {

    private static final Logger log = LoggerFactory.getLogger(TopicRouter.class);
    private static final VarHandle TABLE;

    static {
        try {
            TABLE = MethodHandles.lookup().findVarHandle(TopicRouter.class, "table", RoutingTable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String bus;
    private final String topic;
    @SuppressWarnings("FieldMayBeFinal")
    private RoutingTable table = RoutingTable.EMPTY;
    private final LongAdder poisoned = new LongAdder();
    /**
     * Ids handled recently, when this topic's source emits identical copies per instance; else {@code null}. Set by
     * {@link #deduplicate()} before the router is subscribed to its bus (which publishes it to the delivering
     * threads), so a plain field: the hot path pays no volatile read.
     */
    private RecentIds handled;
    private final LongAdder skippedCopies = new LongAdder();

    public TopicRouter(String bus, String topic) {
        this.bus = bus;
        this.topic = topic;
    }

    public String bus() {
        return bus;
    }

    public String topic() {
        return topic;
    }

    /** The current table. */
    public RoutingTable table() {
        return (RoutingTable) TABLE.getAcquire(this);
    }

    /** Installs a new table; callers serialise writers. */
    public void table(RoutingTable next) {
        TABLE.setRelease(this, next);
    }

    @Override
    public CompletionStage<Void> deliver(CloudEvent event) {
        RecentIds once = handled;
        if (once != null) {
            return deliverOnce(once, event);
        }
        Tracker tracker = ((RoutingTable) TABLE.getAcquire(this)).dispatch(event, null);
        return tracker == null ? Stages.DONE : tracker.seal();
    }

    /**
     * Called by buses with {@link io.switchboard.api.BusCapability#HELD_ACKNOWLEDGEMENT}. Without a correlation hop
     * among the routes (or with {@link #deduplicate()}) this is {@link #deliver(CloudEvent)}: the plain path allocates
     * and costs nothing more. With one, the event is routed under a {@link CorrelationHop.HeldTurn}: its stage completes
     * as soon as the other routes are done and every hop publish was handed to the bus, so the bus goes on with the
     * key's next event without waiting for the publish round trip; the event is held unacknowledged until the
     * publishes are accepted (retried meanwhile; see {@link CorrelationHop}).
     */
    @Override
    public CompletionStage<Void> deliver(CloudEvent event, Acknowledgement acknowledgement) {
        RoutingTable t = (RoutingTable) TABLE.getAcquire(this);
        if (!t.rekeys() || handled != null) {
            return deliver(event);
        }
        CorrelationHop.HeldTurn turn = new CorrelationHop.HeldTurn(event, acknowledgement);
        try {
            t.dispatch(event, turn);
        } catch (RuntimeException | Error e) {
            turn.completeExceptionally(e); // the bus redelivers the event: pending publish retries stop
            throw e;
        }
        CompletionStage<Void> stage = turn.seal();
        turn.routed();
        return stage;
    }

    /**
     * This topic's source emits the same events under the same ids on every instance (ticks), published under one
     * partition key, so all copies reach one member one after another: a copy whose id is among the last
     * {@link RecentIds#CAPACITY} ids handled (or being handled) here is acknowledged and skipped. After a crash or rebalance the new
     * member does not know what the old one handled, so a copy may be handled again (at least once).
     */
    public synchronized void deduplicate() {
        if (handled == null) {
            handled = new RecentIds();
        }
    }

    /** Copies skipped by {@link #deduplicate}. */
    public long skippedCopies() {
        return skippedCopies.sum();
    }

    private CompletionStage<Void> deliverOnce(RecentIds once, CloudEvent event) {
        String id = event.getId();
        // claimed before routing, given back if handling fails: the bus may hand the next copy over before a
        // callback on this stage ran
        if (!once.add(id)) {
            skippedCopies.increment();
            return Stages.DONE;
        }
        Tracker tracker;
        try {
            tracker = ((RoutingTable) TABLE.getAcquire(this)).dispatch(event, null);
        } catch (RuntimeException | Error e) {
            once.remove(id);
            throw e;
        }
        if (tracker == null) {
            return Stages.DONE;
        }
        CompletionStage<Void> stage = tracker.seal();
        stage.whenComplete((ok, failure) -> {
            if (failure != null) {
                once.remove(id); // the bus redelivers this copy: it must not be skipped
            }
        });
        return stage;
    }

    /** A bounded, insertion-ordered set of ids. Thread-safe (copies of one id arrive one after another anyway). */
    static final class RecentIds {
        static final int CAPACITY = 4096;
        private final java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();

        /** Adds {@code id}; {@code false} if it was there already. */
        synchronized boolean add(String id) {
            if (!ids.add(id)) {
                return false;
            }
            if (ids.size() > CAPACITY) {
                java.util.Iterator<String> eldest = ids.iterator();
                eldest.next();
                eldest.remove();
            }
            return true;
        }

        synchronized void remove(String id) {
            ids.remove(id);
        }
    }

    /** Poison messages (undecodable, or given up by the bus) have no route: logged at ERROR with where they sit, counted, and skipped. */
    @Override
    public CompletionStage<Void> poison(PoisonMessage message) {
        poisoned.increment();
        log.error("message on bus '{}' topic '{}' at {} skipped, nothing routes it ({} bytes, headers {}): {}", bus, topic,
                message.location(), message.payload().length, message.headers(), message.reason());
        return Stages.DONE;
    }

    /** Undecodable messages skipped so far. */
    public long poisoned() {
        return poisoned.sum();
    }

    @Override
    public String toString() {
        return "TopicRouter[" + bus + ":" + topic + ", routes=" + table().size() + "]";
    }
}
