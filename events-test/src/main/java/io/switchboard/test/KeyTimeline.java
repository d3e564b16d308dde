package io.switchboard.test;

import io.cloudevents.CloudEvent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the members of one consumer group did, for the kit's scale-out tests: every delivery in one global order
 * (with its member, key and sequence number), which member is handling which key right now, and which members
 * crashed. From that it finds the violations the kit reports: a key handled by two members at once, a key's events
 * out of order, deliveries to a member after it crashed. Thread-safe.
 *
 * <p>Design note: the global order is the order in which deliveries <em>started</em>, taken from one counter; a
 * key's next event can only start after its previous one finished (or its member went away), so this order is the
 * key's delivery order whenever the bus keeps per-key order across members.
 */
final class KeyTimeline {

    /** One delivery: its place in the global order, the member that got it, and the event's key and sequence. */
    record Delivery(long index, String member, String key, int seq, String id) {
    }

    private final AtomicLong clock = new AtomicLong();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final Map<String, String> handling = new HashMap<>(); // key -> member handling it; guarded by this
    private final Map<String, Integer> depth = new HashMap<>(); // key -> deliveries under way; guarded by this
    private final List<String> overlaps = new CopyOnWriteArrayList<>();
    private final List<String> afterCrash = new CopyOnWriteArrayList<>();
    private final Set<String> crashed = ConcurrentHashMap.newKeySet(); // stages fail from now on
    private final Set<String> dead = ConcurrentHashMap.newKeySet(); // crash completed: any delivery is a violation
    private final Map<String, Set<String>> acknowledgedBeforeCrash = new ConcurrentHashMap<>();

    /**
     * Records a delivery to {@code member} and answers it like a handler that finishes a little later on another
     * thread (so the bus must wait for the stage before the key's next event). A stage of a crashed member fails:
     * a killed process acknowledges nothing.
     */
    CompletionStage<Void> handle(String member, CloudEvent event) {
        String key = event.getSubject();
        int seq = Integer.parseInt(String.valueOf(event.getExtension("kitseq")));
        if (crashed.contains(member)) {
            if (dead.contains(member)) {
                afterCrash.add(event.getId() + " (key " + key + ") to " + member);
            }
            return CompletableFuture.failedFuture(new IllegalStateException("kit: member " + member + " crashed"));
        }
        started(member, key, event.getId());
        deliveries.add(new Delivery(clock.incrementAndGet(), member, key, seq, event.getId()));
        return CompletableFuture.runAsync(() -> {
            finished(member, key);
            if (crashed.contains(member)) {
                throw new IllegalStateException("kit: member " + member + " crashed before its stage completed");
            }
        }, CompletableFuture.delayedExecutor(ThreadLocalRandom.current().nextInt(0, 400), TimeUnit.MICROSECONDS));
    }

    private synchronized void started(String member, String key, String id) {
        String owner = handling.get(key);
        if (owner != null && !owner.equals(member)) {
            overlaps.add(id + " (key " + key + ") started on " + member + " while " + owner + " was handling the key"
                    + " (" + depth.get(key) + " deliveries under way; the key's last deliveries: " + lastOf(key) + ")");
        }
        handling.put(key, member);
        depth.merge(key, 1, Integer::sum);
    }

    private List<String> lastOf(String key) {
        List<String> last = new ArrayList<>();
        for (Delivery d : deliveries) {
            if (d.key().equals(key)) {
                last.add(d.seq() + "@" + d.member());
            }
        }
        return last.subList(Math.max(0, last.size() - 4), last.size());
    }

    private synchronized void finished(String member, String key) {
        if (crashed.contains(member) || !member.equals(handling.get(key))) {
            return;
        }
        if (depth.merge(key, -1, Integer::sum) <= 0) {
            depth.remove(key);
            handling.remove(key);
        }
    }

    /**
     * Marks {@code member} as crashing: from now on its stages fail, and whatever it was handling no longer counts as
     * handled by anyone (a killed process handles nothing).
     */
    synchronized void crashing(String member) {
        crashed.add(member);
        handling.entrySet().removeIf(e -> {
            if (e.getValue().equals(member)) {
                depth.remove(e.getKey());
                return true;
            }
            return false;
        });
    }

    /**
     * The crash of {@code member} completed: a delivery to it from now on is a violation. {@code acknowledged} is what
     * it acknowledged before it died, read only now: a stage that completed just before {@link #crashing} may have
     * been acknowledged by the bus after an earlier look.
     */
    void crashed(String member, Set<String> acknowledged) {
        acknowledgedBeforeCrash.put(member, Set.copyOf(acknowledged));
        dead.add(member);
    }

    boolean isCrashed(String member) {
        return crashed.contains(member);
    }

    /** What a crashed member had acknowledged when it crashed. */
    Set<String> acknowledgedBeforeCrash(String member) {
        return acknowledgedBeforeCrash.getOrDefault(member, Set.of());
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    int deliveryCount() {
        return deliveries.size();
    }

    /** Keys that started on one member while another member was still handling them. */
    List<String> overlaps() {
        return List.copyOf(overlaps);
    }

    /** Deliveries that reached a member after it crashed. */
    List<String> deliveriesAfterCrash() {
        return List.copyOf(afterCrash);
    }

    /** Members that received at least one delivery. */
    Set<String> membersThatReceived() {
        Set<String> members = new HashSet<>();
        for (Delivery d : deliveries) {
            members.add(d.member());
        }
        return members;
    }

    /**
     * Per-key order violations. Strict: each key's deliveries are exactly 0, 1, 2, … (no event twice). Tolerant
     * (after a crash, where replays are legal): every delivery's sequence is at most one past the highest delivered
     * before it, so an event never arrives before all earlier events of its key have.
     */
    List<String> orderViolations(boolean strict) {
        Map<String, List<Delivery>> byKey = new HashMap<>();
        for (Delivery d : deliveries) {
            byKey.computeIfAbsent(d.key(), k -> new ArrayList<>()).add(d);
        }
        List<String> violations = new ArrayList<>();
        byKey.forEach((key, list) -> {
            list.sort(Comparator.comparingLong(Delivery::index));
            int highest = -1;
            for (int i = 0; i < list.size(); i++) {
                Delivery d = list.get(i);
                boolean bad = strict ? d.seq() != i : d.seq() > highest + 1;
                if (bad) {
                    violations.add("key " + key + ": seq " + d.seq() + " on " + d.member() + " after "
                            + list.subList(Math.max(0, i - 3), i).stream()
                            .map(x -> x.seq() + "@" + x.member()).toList());
                    break; // one violation per key is enough to read
                }
                highest = Math.max(highest, d.seq());
            }
        });
        return violations;
    }

    /** How many deliveries repeated an event already delivered. */
    int duplicates() {
        Set<String> seen = new HashSet<>();
        int repeated = 0;
        for (Delivery d : deliveries) {
            if (!seen.add(d.id())) {
                repeated++;
            }
        }
        return repeated;
    }
}
