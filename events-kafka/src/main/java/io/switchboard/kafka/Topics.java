package io.switchboard.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Makes sure the Kafka topics behind bus topics exist, creating each once with the configured partitions and
 * replication factor. The admin client is created on first need. Thread-safe.
 */
final class Topics implements AutoCloseable {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

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
                if (error == null || Lanes.unwrap(error) instanceof TopicExistsException) {
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
