package io.switchboard.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Makes sure the Kafka topics behind bus topics exist, creating each once with the configured partitions and
 * replication factor, and waiting until every partition of a created topic has a leader. The admin client is created on first need. Thread-safe.
 */
final class Topics implements AutoCloseable {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final int LEADER_CHECKS = 100;
    private static final long LEADER_CHECK_INTERVAL_MS = 50;

    private final boolean create;
    private final int partitions;
    private final short replicationFactor;
    private final Supplier<Map<String, Object>> adminConfig;
    private final ConcurrentHashMap<String, CompletableFuture<Void>> ensured = new ConcurrentHashMap<>();
    private Admin admin;
    private boolean closed;

    Topics(boolean create, int partitions, short replicationFactor, Supplier<Map<String, Object>> adminConfig) {
        this.create = create;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.adminConfig = adminConfig;
    }

    /** A stage completing once the topic exists (at once after the first time, or when creation is off). */
    CompletableFuture<Void> ensure(String topic) {
        if (!create) {
            return DONE;
        }
        CompletableFuture<Void> existing = ensured.get(topic);
        if (existing != null) {
            return existing;
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        existing = ensured.putIfAbsent(topic, mine);
        if (existing != null) {
            return existing;
        }
        try {
            NewTopic newTopic = new NewTopic(topic, Optional.of(partitions), Optional.of(replicationFactor));
            admin().createTopics(List.of(newTopic)).all().whenComplete((ignored, error) -> {
                if (error == null) {
                    awaitLeaders(topic, mine, LEADER_CHECKS);
                } else if (Lanes.unwrap(error) instanceof TopicExistsException) {
                    mine.complete(null);
                } else {
                    failed(topic, mine, Lanes.unwrap(error));
                }
            });
        } catch (RuntimeException e) {
            failed(topic, mine, e);
        }
        return mine;
    }

    /**
     * A new topic is ready only when every partition's leader serves requests. Producing earlier can hit KAFKA-15591 (fixed
     * after Kafka 4.1): an idempotent producer's first request fails with NOT_LEADER_OR_FOLLOWER, a later one is
     * appended, and the first then fails with OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout.
     */
    private void awaitLeaders(String topic, CompletableFuture<Void> attempt, int checksLeft) {
        try {
            admin().describeTopics(List.of(topic)).allTopicNames().whenComplete((descriptions, error) -> {
                TopicDescription description = descriptions == null ? null : descriptions.get(topic);
                boolean ready = error == null && description != null
                        && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (!ready) {
                    retryOrGiveUp(topic, attempt, checksLeft);
                    return;
                }
                // the metadata names leaders a moment before they serve: ask each leader for its end offset
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                description.partitions().forEach(p -> partitions.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                admin().listOffsets(partitions).all().whenComplete((offsets, notServing) -> {
                    if (notServing == null) {
                        attempt.complete(null);
                    } else {
                        retryOrGiveUp(topic, attempt, checksLeft);
                    }
                });
            });
        } catch (RuntimeException e) {
            attempt.complete(null); // closing: the caller's send reports what is wrong
        }
    }

    private void retryOrGiveUp(String topic, CompletableFuture<Void> attempt, int checksLeft) {
        if (checksLeft <= 1) {
            attempt.complete(null); // still not serving after every check: go ahead, producing will retry
        } else {
            CompletableFuture.delayedExecutor(LEADER_CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS)
                    .execute(() -> awaitLeaders(topic, attempt, checksLeft - 1));
        }
    }

    private void failed(String topic, CompletableFuture<Void> attempt, Throwable error) {
        ensured.remove(topic, attempt); // let a later call try again
        attempt.completeExceptionally(error);
    }

    private synchronized Admin admin() {
        if (closed) {
            throw new IllegalStateException("the Kafka event bus is closed");
        }
        if (admin == null) {
            admin = Admin.create(adminConfig.get());
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }
}
