package io.switchboard.redis;

import io.lettuce.core.Consumer;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.switchboard.api.Subscription;
import io.switchboard.core.time.Schedulers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * One member of a consumer group on one topic: owns some of the topic's shard streams through leases, reads them
 * with {@code XREADGROUP}, hands entries to {@link Lanes} and acknowledges them through the {@link Acker}.
 *
 * <p>Design (see {@code docs/redis.md}): a poll thread does everything that touches ownership. Every third of the
 * lease time it runs {@link Scripts#HEARTBEAT}: the member registers in the group's member set, renews its leases
 * and, if it holds fewer shards than its fair share, takes free ones. A shard just taken first has every entry still
 * pending in the group moved to this member ({@code XAUTOCLAIM}, the previous owner is gone or gave it up), and those
 * are read ({@code XREADGROUP … 0}) before any new entry ({@code >}), so a key's order holds across owners. A member
 * above its fair share (someone joined) gives shards away: it stops reading them, waits up to the revoke timeout for
 * their running handlers, sends their acknowledgements, returns held entries, and deletes the lease. A member that
 * could not renew its leases in time stops handling their shards on its own, before anyone else may take them.
 */
final class RedisSubscription implements Subscription {

    private static final Logger log = LoggerFactory.getLogger(RedisSubscription.class);
    private static final long POLL_BLOCK_MILLIS = 100;

    /** The Redis keys of one topic and group. */
    record Keys(String[] streams, String members, String[] leases) {
    }

    private final String topic;
    private final String group;
    private final String member;
    private final Keys keys;
    private final RedisBusConfig config;
    private final StatefulRedisConnection<String, byte[]> readConnection;
    private final StatefulRedisConnection<String, byte[]> controlConnection;
    private final RedisCommands<String, byte[]> read;
    private final RedisAsyncCommands<String, byte[]> control;
    private final Shard[] shards;
    private final Map<String, Shard> byStream = new HashMap<>();
    private final int[] preference;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ThreadPoolExecutor executor;
    private final Lanes lanes;
    private final Acker acker;
    private final Thread pollThread;
    private final Runnable onClose;
    private final Consumer<String> consumer;
    private volatile boolean running = true;
    private volatile boolean aborted;
    private volatile boolean started;
    /** The group's backlog over all shard streams, refreshed after each heartbeat; -1 while unknown. */
    private volatile long lag = -1;
    /** Set when the read connection came back: a read in flight may have been answered to the lost connection. */
    private volatile boolean reconnected;

    // poll thread only
    private long nextHeartbeat;
    private long leaseValidUntil;
    private long nextHousekeeping;
    private boolean paused;
    private int rotation;
    private int failuresInARow;

    RedisSubscription(String topic, String group, String member, Keys keys, RedisBusConfig config,
                      StatefulRedisConnection<String, byte[]> readConnection,
                      StatefulRedisConnection<String, byte[]> controlConnection, Lanes.Handler handler,
                      io.switchboard.api.Scheduler scheduler, Runnable onClose) {
        this.topic = topic;
        this.group = group;
        this.member = member;
        this.keys = keys;
        this.config = config;
        this.readConnection = readConnection;
        this.controlConnection = controlConnection;
        this.read = readConnection.sync();
        this.control = controlConnection.async();
        this.onClose = onClose;
        this.consumer = Consumer.from(group, member);
        this.acker = new Acker(control, group, scheduler, member);
        int n = keys.streams().length;
        this.shards = new Shard[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard(i, keys.streams()[i], keys.leases()[i], acker, inFlight);
            byStream.put(shards[i].stream, shards[i]);
        }
        this.preference = preferenceOrder(member, n);
        this.executor = new ThreadPoolExecutor(config.concurrency(), config.concurrency(), 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), Schedulers.daemonThreads(member + "-worker"));
        this.executor.allowCoreThreadTimeOut(true);
        this.lanes = new Lanes(config.concurrency(), executor, scheduler, handler, config.initialBackoff(),
                config.maxBackoff(), member);
        // Lettuce re-sends commands that were unanswered when the connection dropped. A read the server executed
        // before the drop delivered entries whose answer is lost: they are pending for this member, and only a
        // re-read brings them back
        readConnection.addListener(new io.lettuce.core.RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> connection,
                                         java.net.SocketAddress address) {
                reconnected = true;
            }
        });
        this.pollThread = new Thread(this::run, member + "-poll");
        this.pollThread.setDaemon(true);
    }

    /** Rendezvous order: each member prefers different shards, so members rarely contend for the same free one. */
    private static int[] preferenceOrder(String member, int n) {
        long[] scored = new long[n];
        for (int i = 0; i < n; i++) {
            CRC32 crc = new CRC32();
            crc.update((member + "#" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            scored[i] = (crc.getValue() << 16) | i;
        }
        java.util.Arrays.sort(scored);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) (scored[i] & 0xffff);
        }
        return order;
    }

    RedisSubscription start() {
        started = true;
        pollThread.start();
        return this;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public String group() {
        return group;
    }

    /** The member's name: its consumer name in the Redis group. */
    String member() {
        return member;
    }

    /** Indexes of the shards this member owns now, for tests. */
    Set<Integer> ownedShards() {
        Set<Integer> owned = new HashSet<>();
        for (Shard shard : shards) {
            if (shard.isOwned()) {
                owned.add(shard.index);
            }
        }
        return owned;
    }

    /**
     * Entries of the topic the group has not consumed yet, over all its shard streams (not only the ones this member
     * owns): per stream, XINFO GROUPS' {@code lag} (entries not yet delivered to the group, Redis 7) plus
     * {@code pending} (delivered, not acknowledged), as of the last heartbeat; -1 while unknown (no answer yet,
     * a stream whose lag Redis cannot compute, stopped). Thread-safe, never blocks.
     */
    long lag() {
        return running ? lag : -1;
    }

    /** Whether the member runs and its connections are up. Thread-safe, never blocks. */
    boolean connected() {
        return running && readConnection.isOpen() && controlConnection.isOpen();
    }

    /**
     * Asks for the group's figures on every shard stream without waiting: the answers arrive on the connection's
     * I/O thread and replace {@link #lag} when all of them came; a failed or incomplete answer leaves it unknown.
     */
    private void refreshLag() {
        List<CompletableFuture<List<Object>>> answers = new ArrayList<>(shards.length);
        for (Shard shard : shards) {
            answers.add(control.xinfoGroups(shard.stream).toCompletableFuture());
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
            long total = 0;
            try {
                for (CompletableFuture<List<Object>> answer : error == null ? answers
                        : List.<CompletableFuture<List<Object>>>of()) {
                    long backlog = groupBacklog(answer.join());
                    if (backlog < 0) {
                        total = -1;
                        break;
                    }
                    total += backlog;
                }
            } catch (RuntimeException e) {
                total = -1;
            }
            lag = error == null ? total : -1;
        });
    }

    /** {@code lag + pending} of this member's group in one XINFO GROUPS answer, or -1 if it does not tell. */
    private long groupBacklog(List<Object> groups) {
        for (Object entry : groups) {
            if (!(entry instanceof List<?> fields)) {
                continue;
            }
            Map<String, Object> info = new HashMap<>();
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                info.put(text(fields.get(i)), fields.get(i + 1));
            }
            if (group.equals(text(info.get("name")))) {
                return info.get("lag") instanceof Number notDelivered && info.get("pending") instanceof Number pending
                        ? notDelivered.longValue() + pending.longValue() : -1;
            }
        }
        return -1;
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? EntryFormat.string(bytes) : String.valueOf(value);
    }

    /** Entries read but not acknowledged (running, waiting for a retry, or held). */
    int inFlight() {
        return inFlight.get();
    }

    /**
     * Stops after running handlers finish (up to the close timeout), acknowledges what completed, returns
     * unfinished and held entries to the group (they stay pending; whoever takes the shard next claims them),
     * deletes this member's leases and leaves the member set, so the other members take the shards at their next
     * heartbeat.
     */
    @Override
    public void close() {
        stop(false);
    }

    /**
     * Stops the way a killed process would: no acknowledgement, no lease deleted, no clean leave; the shards come
     * back to the group when their leases expire. Threads and connections are released. For fault tests.
     */
    void abort() {
        stop(true);
    }

    private void stop(boolean abrupt) {
        if (abrupt) {
            aborted = true;
            acker.stop();
        }
        running = false;
        if (!started) {
            shutdown();
        } else if (Thread.currentThread() != pollThread) {
            try {
                pollThread.join(config.closeTimeout().plus(config.commandTimeout()).plusSeconds(1).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (pollThread.isAlive()) {
                log.warn("{}: the poll thread did not stop in time; it is a daemon and ends with the JVM", member);
            }
        }
        onClose.run();
    }

    private void run() {
        try {
            while (running) {
                long now = System.nanoTime();
                try {
                    if (now >= nextHeartbeat) {
                        heartbeat();
                    }
                    if (reconnected) {
                        reconnected = false;
                        for (Shard shard : shards) {
                            if (shard.phase == Shard.Phase.LIVE) {
                                shard.reread();
                            }
                        }
                        log.info("{}: reconnected to Redis; re-reading the entries pending for this member", member);
                    }
                    expireLeases();
                    finishLeaving();
                    if (System.nanoTime() >= nextHousekeeping) {
                        housekeeping();
                    }
                    readSome();
                    failuresInARow = 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (Exception e) {
                    if (!running) {
                        break;
                    }
                    failuresInARow++;
                    for (Shard shard : shards) {
                        if (shard.phase == Shard.Phase.LIVE) {
                            shard.reread(); // a read that failed here may have delivered entries on the server
                        }
                    }
                    if (String.valueOf(Lanes.unwrap(e).getMessage()).startsWith("NOGROUP")) {
                        recreateGroups();
                    }
                    long backoff = Math.min(1000, 50L << Math.min(failuresInARow, 5));
                    if (failuresInARow == 1 || failuresInARow % 20 == 0) {
                        log.warn("{}: Redis command failed ({} in a row); retrying in {} ms: {}", member, failuresInARow,
                                backoff, String.valueOf(Lanes.unwrap(e)));
                    }
                    sleep(backoff);
                }
            }
        } catch (RuntimeException | Error e) {
            log.error("{}: consumption stopped on an unexpected error; unacknowledged entries will be redelivered",
                    member, e);
            aborted = true;
        } finally {
            shutdown();
        }
    }

    // ------------------------------------------------------------------ ownership

    private void heartbeat() throws Exception {
        long sentAt = System.nanoTime();
        long leaseMillis = config.leaseTime().toMillis();
        String[] scriptKeys = new String[shards.length + 1];
        scriptKeys[0] = keys.members();
        System.arraycopy(keys.leases(), 0, scriptKeys, 1, shards.length);
        byte[][] args = new byte[3 + shards.length][];
        args[0] = Scripts.arg(member);
        args[1] = Scripts.arg(leaseMillis);
        args[2] = Scripts.arg(running ? 1 : 0);
        for (int i = 0; i < shards.length; i++) {
            args[3 + i] = Scripts.arg(preference[i]);
        }
        List<Object> result = await(Scripts.<List<Object>>run(control, Scripts.HEARTBEAT, ScriptOutputType.MULTI,
                scriptKeys, args));
        // the leases were renewed at some instant after sentAt; a tenth of the lease covers clock-rate differences
        leaseValidUntil = sentAt + TimeUnit.MILLISECONDS.toNanos(leaseMillis - leaseMillis / 10);
        nextHeartbeat = sentAt + TimeUnit.MILLISECONDS.toNanos(leaseMillis / 3);
        refreshLag();
        int share = ((Number) result.get(1)).intValue();
        Set<Integer> owned = new HashSet<>();
        for (Object o : (List<?>) result.get(2)) {
            owned.add(((Number) o).intValue());
        }
        for (Shard shard : shards) {
            if (shard.isOwned() && !owned.contains(shard.index)) {
                log.warn("{}: lease of {} was lost (not renewed in time); its unacknowledged entries go to the next"
                        + " owner", member, shard);
                shard.giveUp();
            }
        }
        for (int index : owned) {
            Shard shard = shards[index];
            if (!shard.isOwned()) {
                claimPending(shard);
                shard.acquired();
                log.debug("{}: took {}", member, shard);
            }
        }
        int keeping = 0;
        for (Shard shard : shards) {
            if (shard.isOwned() && shard.phase != Shard.Phase.LEAVING) {
                keeping++;
            }
        }
        // give away the least preferred shards beyond the fair share
        for (int i = preference.length - 1; i >= 0 && keeping > share; i--) {
            Shard shard = shards[preference[i]];
            if (shard.isOwned() && shard.phase != Shard.Phase.LEAVING) {
                shard.phase = Shard.Phase.LEAVING;
                shard.leaveDeadline = System.nanoTime() + config.revokeTimeout().toNanos();
                keeping--;
                log.debug("{}: giving {} away (fair share {})", member, shard, share);
            }
        }
    }

    /**
     * Moves every entry still pending in the group on this shard to this member. The lease is ours, so the previous
     * owner is gone (crashed, left, or lost its lease and stopped handling the shard on its own).
     */
    private void claimPending(Shard shard) throws Exception {
        String cursor = "0-0";
        int moved = 0;
        do {
            ClaimedMessages<String, byte[]> claimed = await(control.xautoclaim(shard.stream,
                    new XAutoClaimArgs<String>().consumer(consumer).minIdleTime(0).startId(cursor).count(1000).justid()));
            cursor = claimed.getId();
            moved += claimed.getMessages().size();
        } while (!"0-0".equals(cursor));
        log.debug("{}: claimed {} pending entries of {}", member, moved, shard);
    }

    /** A member that could not renew its leases in time stops handling their shards before anyone may take them. */
    private void expireLeases() {
        if (System.nanoTime() - leaseValidUntil < 0) {
            return;
        }
        for (Shard shard : shards) {
            if (shard.isOwned()) {
                log.warn("{}: could not renew the lease of {} in time; stopped handling it, its unacknowledged entries"
                        + " go to the next owner", member, shard);
                shard.giveUp();
            }
        }
    }

    private void finishLeaving() throws Exception {
        for (Shard shard : shards) {
            if (shard.phase == Shard.Phase.LEAVING
                    && (shard.turnsSettled() || System.nanoTime() - shard.leaveDeadline >= 0)) {
                handOver(shard);
            }
        }
    }

    private void handOver(Shard shard) throws Exception {
        shard.giveUp();
        acker.awaitIdle(config.commandTimeout()); // completed entries acknowledged before the next owner claims
        await(Scripts.<Long>run(control, Scripts.RELEASE, ScriptOutputType.INTEGER, new String[]{shard.lease},
                Scripts.arg(member)));
        log.debug("{}: gave {} away", member, shard);
    }

    private void housekeeping() {
        nextHousekeeping = System.nanoTime() + config.trimInterval().toNanos();
        byte[] trim = Scripts.arg(config.retention() == RedisBusConfig.Retention.ACKNOWLEDGED ? 1 : 0);
        byte[] idle = Scripts.arg(config.leaseTime().toMillis() * 3);
        for (Shard shard : shards) {
            if (shard.isOwned() && shard.phase == Shard.Phase.LIVE) {
                Scripts.<Long>run(control, Scripts.HOUSEKEEPING, ScriptOutputType.INTEGER, new String[]{shard.stream},
                        Scripts.arg(group), idle, trim).whenComplete((removed, error) -> {
                            if (error != null) {
                                log.debug("{}: housekeeping of {} failed: {}", member, shard, error.toString());
                            } else if (removed != null && removed > 0) {
                                log.debug("{}: trimmed {} acknowledged entries from {}", member, removed, shard);
                            }
                        });
            }
        }
    }

    /**
     * The group vanished from a shard stream (the stream was deleted, or a server without persistence restarted):
     * recreate it from the stream's start — redelivering what is left there rather than skipping anything.
     */
    private void recreateGroups() {
        log.warn("{}: consumer group '{}' is missing on some shard streams of topic '{}'; recreating it from the start"
                + " of each stream (entries still there are delivered again)", member, group, topic);
        for (Shard shard : shards) {
            control.xgroupCreate(XReadArgs.StreamOffset.from(shard.stream, "0"), group,
                    io.lettuce.core.XGroupCreateArgs.Builder.mkstream());
        }
    }

    // ------------------------------------------------------------------ reading

    private void readSome() throws InterruptedException {
        int pending = inFlight.get();
        if (paused ? pending > config.maxInFlight() / 2 : pending >= config.maxInFlight()) {
            if (!paused) {
                log.debug("{}: {} entries unacknowledged; reading paused", member, pending);
            }
            paused = true;
            sleep(5);
            return;
        }
        paused = false;
        int count = Math.max(1, Math.min(config.batchSize(), config.maxInFlight() - pending));
        for (Shard shard : shards) {
            if (shard.phase == Shard.Phase.RECOVERING) {
                List<StreamMessage<String, byte[]>> backlog = read.xreadgroup(consumer, XReadArgs.Builder.count(count),
                        XReadArgs.StreamOffset.from(shard.stream, shard.cursor));
                if (backlog.isEmpty()) {
                    shard.phase = Shard.Phase.LIVE;
                    log.debug("{}: read the pending entries of {}; reading new ones", member, shard);
                } else {
                    log.debug("{}: re-read {} pending entries of {} from {}", member, backlog.size(), shard, shard.cursor);
                    shard.cursor = backlog.get(backlog.size() - 1).getId();
                    dispatch(backlog);
                }
                return; // back to the heartbeat check between batches
            }
        }
        List<Shard> live = new ArrayList<>(shards.length);
        for (int i = 0; i < shards.length; i++) {
            Shard shard = shards[(i + rotation) % shards.length]; // rotated, so a tight bound does not favour one
            if (shard.phase == Shard.Phase.LIVE) {
                live.add(shard);
            }
        }
        rotation++;
        if (live.isEmpty()) {
            sleep(Math.min(POLL_BLOCK_MILLIS, config.leaseTime().toMillis() / 10));
            return;
        }
        // COUNT applies per stream: split the allowance so one read never exceeds the unacknowledged bound
        if (live.size() > count) {
            live = live.subList(0, count);
        }
        int perStream = Math.max(1, count / live.size());
        @SuppressWarnings("unchecked")
        XReadArgs.StreamOffset<String>[] streams = new XReadArgs.StreamOffset[live.size()];
        for (int i = 0; i < streams.length; i++) {
            streams[i] = XReadArgs.StreamOffset.lastConsumed(live.get(i).stream);
        }
        List<StreamMessage<String, byte[]>> messages = read.xreadgroup(consumer,
                XReadArgs.Builder.count(perStream).block(POLL_BLOCK_MILLIS), streams);
        dispatch(messages);
    }

    private void dispatch(List<StreamMessage<String, byte[]>> messages) {
        if (messages.isEmpty()) {
            return;
        }
        for (StreamMessage<String, byte[]> message : messages) {
            Shard shard = byStream.get(message.getStream());
            if (shard == null || !shard.isOwned()) {
                continue;
            }
            Map<String, byte[]> body = message.getBody();
            if (body == null || body.isEmpty()) {
                // pending but trimmed (only under max-length retention): nothing left to deliver
                control.xack(shard.stream, group, message.getId());
                continue;
            }
            if (shard.isTracked(message.getId())) {
                continue; // re-read while still being handled (or held): not twice
            }
            Entry entry = new Entry(shard, message.getId(), body, laneKey(body));
            inFlight.incrementAndGet();
            shard.track(entry);
            lanes.enqueue(entry);
        }
        lanes.flush();
    }

    /** The key that orders an entry: the bus's key field, else a foreign producer's partitionkey or subject. */
    private static String laneKey(Map<String, byte[]> body) {
        byte[] key = body.get(EntryFormat.KEY);
        if (key == null) {
            key = body.get("ce-partitionkey");
        }
        if (key == null) {
            key = body.get("ce-subject");
        }
        return key == null ? null : EntryFormat.string(key);
    }

    // ------------------------------------------------------------------ stopping

    private void shutdown() {
        lanes.stop();
        if (!aborted) {
            long deadline = System.nanoTime() + config.closeTimeout().toNanos();
            while (lanes.running() > 0 && System.nanoTime() < deadline) {
                sleep(2);
            }
            for (Shard shard : shards) {
                if (shard.isOwned()) {
                    shard.giveUp();
                }
            }
            acker.awaitIdle(config.commandTimeout());
            leave();
        }
        acker.stop();
        if (aborted) {
            executor.shutdownNow();
        } else {
            executor.shutdown();
        }
        closeQuietly(readConnection);
        closeQuietly(controlConnection);
    }

    private void leave() {
        try {
            List<CompletableFuture<Long>> released = new ArrayList<>();
            for (Shard shard : shards) {
                released.add(Scripts.run(control, Scripts.RELEASE, ScriptOutputType.INTEGER,
                        new String[]{shard.lease}, Scripts.arg(member)));
            }
            released.add(Scripts.run(control, Scripts.LEAVE, ScriptOutputType.INTEGER, new String[]{keys.members()},
                    Scripts.arg(member)));
            CompletableFuture.allOf(released.toArray(CompletableFuture[]::new))
                    .get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("{}: could not release its shards cleanly ({}); they go to other members when the leases expire",
                    member, String.valueOf(Lanes.unwrap(e)));
        }
    }

    private static void closeQuietly(StatefulRedisConnection<String, byte[]> connection) {
        try {
            connection.close();
        } catch (RuntimeException e) {
            log.debug("closing a Redis connection failed", e);
        }
    }

    private <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
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
        return "RedisSubscription{topic=" + topic + ", group=" + group + ", member=" + member + "}";
    }
}
