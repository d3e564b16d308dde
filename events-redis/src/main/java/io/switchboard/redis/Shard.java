package io.switchboard.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One shard stream of a topic as one subscription sees it: whether the subscription owns it (holds its lease), how
 * far it has read its backlog, and the entries read from it that are not acknowledged yet. Ownership and reading
 * state are touched only by the subscription's poll thread; the entry set and counters by any thread.
 */
final class Shard {

    enum Phase {
        /** Not ours. */
        IDLE,
        /** Ours: re-reading the entries pending for us (claimed from the previous owner) before any new one. */
        RECOVERING,
        /** Ours: reading new entries. */
        LIVE,
        /** Ours but being given away: no more reading; waiting for running handlers, then the lease is deleted. */
        LEAVING
    }

    final int index;
    final String stream;
    final String lease;
    private final Acker acker;
    private final AtomicInteger inFlight;
    /** By entry id: an entry read again (re-reading what is pending for us after a failed read) is not doubled. */
    private final Map<String, Entry> unsettled = new ConcurrentHashMap<>();
    private volatile boolean owned;

    // poll thread only
    Phase phase = Phase.IDLE;
    String cursor = "0";
    long leaveDeadline;

    Shard(int index, String stream, String lease, Acker acker, AtomicInteger inFlight) {
        this.index = index;
        this.stream = stream;
        this.lease = lease;
        this.acker = acker;
        this.inFlight = inFlight;
    }

    boolean isOwned() {
        return owned;
    }

    void acquired() {
        owned = true;
        reread();
    }

    /**
     * Reads what is pending for this member again, from the start, before new entries. After a read that failed on
     * the client (a timeout) the server may have delivered entries the member never saw: they are pending under its
     * name and nothing else would bring them back while it owns the shard.
     */
    void reread() {
        phase = Phase.RECOVERING;
        cursor = "0";
    }

    /** Whether an entry with this id was read and is not settled yet. */
    boolean isTracked(String id) {
        return unsettled.containsKey(id);
    }

    /** Tracks an entry just read; the caller has counted it in flight. */
    void track(Entry entry) {
        unsettled.put(entry.id, entry);
    }

    void acknowledged(Entry entry) {
        unsettled.remove(entry.id, entry);
        inFlight.decrementAndGet();
        acker.enqueue(entry);
    }

    void abandoned(Entry entry) {
        unsettled.remove(entry.id, entry);
        inFlight.decrementAndGet();
    }

    /** Whether every entry read from this shard is acknowledged or held (no turn is under way). */
    boolean turnsSettled() {
        for (Entry entry : unsettled.values()) {
            if (entry.state() == Entry.PENDING) {
                return false;
            }
        }
        return true;
    }

    int unsettledCount() {
        return unsettled.size();
    }

    /**
     * Stops owning the shard: every unacknowledged entry (running, queued, waiting for a retry or held) is given up;
     * held ones run their {@code whenReturned} actions. The entries stay pending in Redis for the next owner.
     */
    void giveUp() {
        owned = false;
        phase = Phase.IDLE;
        List<Entry> entries = new ArrayList<>(unsettled.values());
        for (Entry entry : entries) {
            entry.abandon();
        }
    }

    @Override
    public String toString() {
        return stream;
    }
}
