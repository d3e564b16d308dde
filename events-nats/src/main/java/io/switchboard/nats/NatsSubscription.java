package io.switchboard.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.switchboard.api.Subscription;
import io.switchboard.core.time.Schedulers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One member of a consumer group on one topic: it takes part in the group through the lease bucket and consumes the
 * partitions it holds leases on.
 *
 * <p><b>Membership and leases.</b> Every heartbeat (a third of the lease TTL) the member writes its membership key
 * {@code m.<group>.<topic>.<member>}, lists the live members (keys the bucket's TTL has not expired), and computes the
 * fair share: with members sorted by id, member {@code i} of {@code n} should own the partitions {@code p} with
 * {@code p % n == i}. It renews each lease it holds ({@code o.<group>.<topic>.<p>}) with a compare-and-set on the
 * lease's revision, gives up partitions that are no longer its share (waits for their running handlers up to the
 * revoke timeout, NAKs the rest in order, deletes the lease), and creates the leases of its share that are free
 * (create fails while another member's lease lives). A crashed member's leases expire after the TTL and its share goes
 * to the others; a member that cannot renew in time stops on its own, so two members never consume a partition at once.
 */
final class NatsSubscription implements Subscription {

    private static final Logger log = LoggerFactory.getLogger(NatsSubscription.class);

    private final BusContext bus;
    private final String topic;
    private final String group;
    private final String groupToken;
    /** The topic as it may appear in consumer names and KV keys (a dotted topic becomes a token with a hash). */
    private final String topicToken;
    private final String memberId;
    private final Lanes lanes;
    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor coordinator;
    /** Gives partitions up off the coordinator thread, so waiting for their handlers never delays lease renewals. */
    private final ThreadPoolExecutor releaser;
    private final Map<Integer, PartitionConsumer> owned = new ConcurrentHashMap<>();
    private final Consumer<NatsSubscription> onClose;
    /** The handler threads of this member, so a close from inside a handler does not wait for itself. */
    private final Set<Thread> workerThreads = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> heartbeat;
    private volatile boolean closed;
    private volatile long lag = -1;

    /** What a subscription needs from its bus. */
    interface BusContext {
        NatsBusConfig config();

        io.nats.client.JetStream jetStream();

        io.nats.client.JetStreamManagement management();

        KeyValue leases();

        Streams streams();

        java.util.function.Function<Delivery, java.util.concurrent.CompletionStage<Void>> handler(String topic,
                                                                                             io.switchboard.api.BusConsumer consumer);
    }

    NatsSubscription(BusContext bus, String topic, String group, String memberId,
                     io.switchboard.api.BusConsumer consumer, Consumer<NatsSubscription> onClose) {
        this.bus = bus;
        this.topic = topic;
        this.group = group;
        this.groupToken = Names.token(group);
        this.topicToken = Names.token(topic);
        this.memberId = memberId;
        this.onClose = onClose;
        NatsBusConfig config = bus.config();
        java.util.concurrent.ThreadFactory daemons = Schedulers.daemonThreads(memberId + "-worker");
        this.workers = new ThreadPoolExecutor(config.concurrency(), config.concurrency(), 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread t = daemons.newThread(() -> {
                        try {
                            task.run();
                        } finally {
                            workerThreads.remove(Thread.currentThread());
                        }
                    });
                    workerThreads.add(t);
                    return t;
                });
        this.workers.allowCoreThreadTimeOut(true);
        this.lanes = new Lanes(config.concurrency(), workers, bus.handler(topic, consumer), config.initialBackoff(),
                config.maxBackoff(), memberId);
        this.coordinator = new ScheduledThreadPoolExecutor(1, Schedulers.daemonThreads(memberId + "-coordinator"));
        this.releaser = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                Schedulers.daemonThreads(memberId + "-releaser"));
    }

    /** Creates the group's durable consumers, joins the group and takes its first share before returning. */
    void start() throws Exception {
        NatsBusConfig config = bus.config();
        for (int p = 0; p < config.partitions(); p++) {
            bus.streams().durable(durable(p), config.subject(topic, p));
        }
        coordinator.submit(this::heartbeat).get(config.closeTimeout().toMillis() * 4, TimeUnit.MILLISECONDS);
        long period = config.heartbeat().toMillis();
        heartbeat = coordinator.scheduleWithFixedDelay(this::heartbeat, period, period, TimeUnit.MILLISECONDS);
    }

    String durable(int partition) {
        return groupToken + "_" + topicToken + "_" + partition;
    }

    private String ownerKey(int partition) {
        return "o." + groupToken + "." + topicToken + "." + partition;
    }

    private String memberKey() {
        return "m." + groupToken + "." + topicToken + "." + memberId;
    }

    private void heartbeat() {
        if (renewLeases()) {
            // after the leases, and only when the server answered them: an unreachable server costs no extra timeouts
            refreshLag();
        } else {
            lag = -1; // the server did not answer the renewal: do not wait for a lag answer, nor report an old one
        }
    }

    /**
     * The group's backlog over all the topic's partitions (not only the ones this member owns): per durable
     * consumer, messages not yet delivered ({@code num_pending}) plus delivered, unacknowledged ones
     * ({@code num_ack_pending}); -1 while unknown (no answer yet, the last refresh failed, closed). Thread-safe,
     * never blocks: refreshed on each heartbeat.
     */
    long lag() {
        return closed ? -1 : lag;
    }

    private void refreshLag() {
        if (closed) {
            return;
        }
        long total = 0;
        try {
            for (int p = 0; p < bus.config().partitions(); p++) {
                io.nats.client.api.ConsumerInfo info = bus.management().getConsumerInfo(bus.config().stream(),
                        durable(p));
                total += info.getNumPending() + info.getNumAckPending();
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.debug("{}: reading the consumer lag of '{}' failed ({})", memberId, topic, e.toString());
            total = -1;
        }
        lag = total;
    }

    /** The heartbeat's lease work; false if it failed (the server did not answer in time). */
    private boolean renewLeases() {
        if (closed) {
            return false;
        }
        NatsBusConfig config = bus.config();
        KeyValue kv = bus.leases();
        long ttlNanos = config.leaseTtl().toNanos();
        long started = System.nanoTime();
        try {
            kv.put(memberKey(), memberId.getBytes(StandardCharsets.UTF_8));
            TreeSet<String> members = new TreeSet<>();
            String prefix = "m." + groupToken + "." + topicToken + ".";
            for (String key : kv.keys(prefix + "*")) {
                members.add(key.substring(prefix.length()));
            }
            members.add(memberId);
            List<String> sorted = new ArrayList<>(members);
            int me = sorted.indexOf(memberId);
            Set<Integer> share = new TreeSet<>();
            for (int p = 0; p < config.partitions(); p++) {
                if (p % sorted.size() == me) {
                    share.add(p);
                }
            }
            // renew what we hold; a failed compare-and-set means the lease expired and moved
            for (PartitionConsumer pc : List.copyOf(owned.values())) {
                if (pc.stoppedOnItsOwn()) {
                    owned.remove(pc.partition); // it saw its lease run out: give it up; it is retaken fresh
                    release(List.of(pc), true);
                    continue;
                }
                try {
                    long revision = kv.update(ownerKey(pc.partition), memberId.getBytes(StandardCharsets.UTF_8),
                            pc.leaseRevision());
                    pc.leaseRenewed(revision, ttlNanos - (System.nanoTime() - started) - config.heartbeat().toNanos() / 2);
                    log.trace("{}: renewed partition {} of '{}' (revision {})", memberId, pc.partition, topic, revision);
                } catch (JetStreamApiException lost) {
                    log.warn("{}: lost the lease of partition {} of '{}' ({}); giving it up", memberId, pc.partition,
                            topic, lost.getMessage());
                    owned.remove(pc.partition);
                    release(List.of(pc), false);
                }
            }
            // give up what is no longer our share, so that its rightful member can take it
            List<PartitionConsumer> leaving = new ArrayList<>();
            for (PartitionConsumer pc : owned.values()) {
                if (!share.contains(pc.partition)) {
                    leaving.add(pc);
                }
            }
            if (!leaving.isEmpty()) {
                leaving.forEach(pc -> owned.remove(pc.partition));
                release(leaving, true);
            }
            // take the free leases of our share
            for (int p : share) {
                if (owned.containsKey(p) || closed) {
                    continue;
                }
                long revision;
                try {
                    revision = kv.create(ownerKey(p), memberId.getBytes(StandardCharsets.UTF_8));
                } catch (JetStreamApiException taken) {
                    continue; // another member's lease is alive; it gives the partition up at its next heartbeat
                }
                PartitionConsumer pc = new PartitionConsumer(p, config.stream(), durable(p), config.subject(topic, p),
                        bus.jetStream(), bus.management(), lanes, Math.min(256, config.maxAckPending()),
                        NatsEventBus::laneHash, memberId + "-p" + p);
                pc.leaseRenewed(revision, ttlNanos - (System.nanoTime() - started) - config.heartbeat().toNanos() / 2);
                try {
                    pc.start(true);
                    owned.put(p, pc);
                    log.debug("{}: took partition {} of '{}'", memberId, p, topic);
                } catch (Exception e) {
                    log.warn("{}: cannot consume partition {} of '{}' ({}); freeing its lease", memberId, p, topic,
                            e.toString());
                    pc.abort();
                    deleteLease(p, revision);
                }
            }
        } catch (Exception e) {
            log.warn("{}: heartbeat for '{}' failed ({}); retrying", memberId, topic, e.toString());
            // self-fencing: a lease we could not renew in time may already belong to another member
            List<PartitionConsumer> expired = new ArrayList<>();
            for (PartitionConsumer pc : owned.values()) {
                if (pc.leaseExpired()) {
                    expired.add(pc);
                }
            }
            expired.forEach(pc -> owned.remove(pc.partition));
            if (!expired.isEmpty()) {
                release(expired, false);
            }
            return false;
        }
        return true;
    }

    /**
     * Gives partitions up cleanly: stop pulling, let running handlers finish up to the revoke timeout, NAK the rest
     * (in order), then free the lease if we still hold it.
     */
    private void release(List<PartitionConsumer> partitions, boolean deleteLeases) {
        partitions.forEach(PartitionConsumer::stopPulling); // at once: no delivery of theirs starts from now on
        try {
            releaser.execute(() -> releaseWithin(partitions, bus.config().revokeTimeout(), deleteLeases));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            releaseWithin(partitions, bus.config().revokeTimeout(), deleteLeases);
        }
    }

    private void releaseWithin(List<PartitionConsumer> partitions, Duration wait, boolean deleteLeases) {
        partitions.forEach(PartitionConsumer::stopPulling);
        partitions.forEach(PartitionConsumer::awaitPuller);
        // a handler closing its own subscription is one of the running handlers: it does not wait for itself
        int self = workerThreads.contains(Thread.currentThread()) ? 1 : 0;
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() - deadline < 0
                && partitions.stream().mapToInt(PartitionConsumer::running).sum() > self) {
            sleep(2);
        }
        for (PartitionConsumer pc : partitions) {
            pc.giveBack();
            if (deleteLeases) {
                deleteLease(pc.partition, pc.leaseRevision());
            }
            log.debug("{}: gave up partition {} of '{}'", memberId, pc.partition, topic);
        }
    }

    private void deleteLease(int partition, long revision) {
        try {
            bus.leases().delete(ownerKey(partition), revision);
        } catch (Exception e) {
            log.debug("{}: freeing lease of partition {} failed ({}); it expires on its own", memberId, partition,
                    e.toString());
        }
    }

    /** Keeps every open message of every owned partition alive. */
    void keepAlive() {
        for (PartitionConsumer pc : owned.values()) {
            pc.keepAlive();
        }
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public String group() {
        return group;
    }

    String memberId() {
        return memberId;
    }

    /** Partitions this member consumes now, for tests. */
    Set<Integer> ownedPartitions() {
        return Set.copyOf(owned.keySet());
    }

    /** Messages fetched and not settled, for tests. */
    int open() {
        return owned.values().stream().mapToInt(PartitionConsumer::open).sum();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopHeartbeat();
        List<PartitionConsumer> all = List.copyOf(owned.values());
        owned.clear();
        try {
            releaseWithin(all, bus.config().revokeTimeout(), true);
            releaser.shutdown();
            releaser.awaitTermination(bus.config().closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            bus.leases().delete(memberKey());
        } catch (Exception e) {
            log.debug("{}: leaving the group failed ({}); its keys expire on their own", memberId, e.toString());
        }
        lanes.stop();
        shutdownWorkers(workerThreads.contains(Thread.currentThread()) ? Duration.ZERO : bus.config().closeTimeout());
        onClose.accept(this);
    }

    /**
     * Stops like a killed process: no acknowledgement, no NAK, no lease or membership removed (they expire after the
     * TTL, and unacknowledged messages return after their ack wait); threads end.
     */
    void abort() {
        if (closed) {
            return;
        }
        closed = true;
        stopHeartbeat();
        for (PartitionConsumer pc : owned.values()) {
            pc.abort();
        }
        owned.clear();
        releaser.shutdownNow();
        lanes.stop();
        workers.shutdownNow();
        onClose.accept(this);
    }

    private void stopHeartbeat() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        coordinator.shutdown();
        try {
            if (!coordinator.awaitTermination(bus.config().closeTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                coordinator.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutdownWorkers(Duration wait) {
        workers.shutdown();
        try {
            if (!wait.isZero() && !workers.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
                log.debug("{}: handlers still running after close; their outcomes are ignored", memberId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "NatsSubscription{" + memberId + ", topic=" + topic + ", group=" + group + ", partitions="
                + new TreeSet<>(owned.keySet()) + "}";
    }

}
