package io.switchboard.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.switchboard.api.ConfigurationException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the bus needs on the server, created or checked: the stream that stores every topic's partition subjects (and
 * the dead letters), the KV bucket of partition leases, and the durable consumers of each group. Every mismatch is a
 * {@link ConfigurationException} that names the setting and the fix.
 */
final class Streams {

    static final int STREAM_NOT_FOUND = 10059;
    static final int BUCKET_NOT_FOUND = 10059;
    static final int CONSUMER_NOT_FOUND = 10014;

    private final NatsBusConfig config;
    private final JetStreamManagement jsm;

    Streams(NatsBusConfig config, JetStreamManagement jsm) {
        this.config = config;
        this.jsm = jsm;
    }

    /** Creates or updates (with {@code createStream}) or checks (without) the stream and the lease bucket. */
    void prepare() throws IOException {
        StreamInfo existing = streamInfo();
        if (existing == null) {
            if (!config.createStream()) {
                throw new ConfigurationException("NATS stream '" + config.stream() + "' does not exist and the bus was"
                        + " told not to create it (" + NatsBusConfig.STREAM_CREATE + "=false): create it with subjects '"
                        + config.streamSubjects() + "', or allow the bus to create it");
            }
            try {
                jsm.addStream(wanted(null));
            } catch (JetStreamApiException e) {
                throw new ConfigurationException("cannot create NATS stream '" + config.stream() + "' for subjects '"
                        + config.streamSubjects() + "': " + e.getMessage() + " (an existing stream may already own"
                        + " these subjects: choose another " + NatsBusConfig.SUBJECT_PREFIX + ")", e);
            }
        } else {
            List<String> problems = problems(existing.getConfiguration());
            if (!problems.isEmpty()) {
                if (!config.createStream() || problems.stream().anyMatch(p -> p.contains("cannot be changed"))) {
                    throw new ConfigurationException("NATS stream '" + config.stream() + "' does not fit the bus: "
                            + String.join("; ", problems));
                }
                try {
                    jsm.updateStream(wanted(existing.getConfiguration()));
                } catch (JetStreamApiException e) {
                    throw new ConfigurationException("cannot update NATS stream '" + config.stream() + "' to the bus's"
                            + " settings (" + String.join("; ", problems) + "): " + e.getMessage(), e);
                }
            }
        }
        prepareBucket();
    }

    private StreamInfo streamInfo() throws IOException {
        try {
            return jsm.getStreamInfo(config.stream());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
                return null;
            }
            throw new ConfigurationException("cannot read NATS stream '" + config.stream() + "': " + e.getMessage(), e);
        }
    }

    private StreamConfiguration wanted(StreamConfiguration existing) {
        StreamConfiguration.Builder b = existing == null ? StreamConfiguration.builder()
                : StreamConfiguration.builder(existing);
        List<String> subjects = new ArrayList<>(existing == null ? List.of() : existing.getSubjects());
        if (!subjects.contains(config.streamSubjects())) {
            subjects.add(config.streamSubjects());
        }
        return b.name(config.stream()).subjects(subjects).storageType(config.storage()).replicas(config.replicas())
                .retentionPolicy(existing == null ? RetentionPolicy.Limits : existing.getRetentionPolicy())
                .maxAge(config.maxAge()).maxBytes(config.maxBytes()).duplicateWindow(config.duplicateWindow())
                .build();
    }

    /** What about an existing stream contradicts the bus, each with its fix. */
    List<String> problems(StreamConfiguration s) {
        List<String> problems = new ArrayList<>();
        if (!s.getSubjects().contains(config.streamSubjects())) {
            problems.add("its subjects " + s.getSubjects() + " do not include '" + config.streamSubjects()
                    + "' (add that subject, or set " + NatsBusConfig.SUBJECT_PREFIX + " to match the stream)");
        }
        if (s.getRetentionPolicy() == RetentionPolicy.WorkQueue) {
            problems.add("its retention is WorkQueue, which cannot be changed and allows only one consumer per subject,"
                    + " so two groups could not both read a topic (use a stream with Limits or Interest retention:"
                    + " set " + NatsBusConfig.STREAM + " to another name)");
        }
        if (s.getStorageType() != config.storage()) {
            problems.add("its storage is " + s.getStorageType() + " but the bus is set to " + config.storage()
                    + ", and storage cannot be changed (set " + NatsBusConfig.STREAM_STORAGE + "="
                    + s.getStorageType().toString().toLowerCase(java.util.Locale.ROOT)
                    + ", or delete the stream)");
        }
        if (s.getDuplicateWindow() == null || s.getDuplicateWindow().isZero()) {
            problems.add("it has no duplicate window, so identical events are not collapsed (set one, e.g. "
                    + config.duplicateWindow() + ")");
        } else if (config.createStream() && !s.getDuplicateWindow().equals(config.duplicateWindow())) {
            problems.add("its duplicate window is " + s.getDuplicateWindow() + ", the bus's " + config.duplicateWindow());
        }
        if (s.getMaxMsgsPerSubject() > 0) {
            problems.add("it keeps only " + s.getMaxMsgsPerSubject() + " messages per subject, so events would be lost"
                    + " before consumers read them (set max messages per subject to -1)");
        }
        if (s.getNoAck()) {
            problems.add("it does not acknowledge publishes (no-ack), so publish could not confirm storage (turn"
                    + " no-ack off)");
        }
        if (s.getSealed()) {
            problems.add("it is sealed and accepts no messages (use another stream: set " + NatsBusConfig.STREAM + ")");
        }
        if (config.createStream()) {
            if (s.getReplicas() != config.replicas()) {
                problems.add("its replicas are " + s.getReplicas() + ", the bus's " + config.replicas());
            }
            if (!durationEquals(s.getMaxAge(), config.maxAge())) {
                problems.add("its max age is " + s.getMaxAge() + ", the bus's " + config.maxAge());
            }
            if (s.getMaxBytes() != config.maxBytes()) {
                problems.add("its max bytes are " + s.getMaxBytes() + ", the bus's " + config.maxBytes());
            }
        }
        return problems;
    }

    private static boolean durationEquals(Duration a, Duration b) {
        return (a == null ? Duration.ZERO : a).equals(b == null ? Duration.ZERO : b);
    }

    private void prepareBucket() throws IOException {
        KeyValueManagement kvm = jsm.keyValueManagement();
        KeyValueStatus status;
        try {
            status = kvm.getStatus(config.leaseBucket());
        } catch (JetStreamApiException e) {
            status = null;
        }
        KeyValueConfiguration wanted = KeyValueConfiguration.builder().name(config.leaseBucket())
                .maxHistoryPerKey(1).ttl(config.leaseTtl()).storageType(config.storage()).replicas(config.replicas())
                .build();
        try {
            if (status == null) {
                if (!config.createStream()) {
                    throw new ConfigurationException("NATS KV bucket '" + config.leaseBucket() + "' (partition leases)"
                            + " does not exist and " + NatsBusConfig.STREAM_CREATE + "=false: create it with TTL "
                            + config.leaseTtl() + " (nats kv add " + config.leaseBucket() + " --ttl "
                            + config.leaseTtl().toMillis() + "ms --history 1), or allow the bus to create it");
                }
                kvm.create(wanted);
            } else if (!config.leaseTtl().equals(status.getTtl())) {
                if (!config.createStream()) {
                    throw new ConfigurationException("NATS KV bucket '" + config.leaseBucket() + "' has TTL "
                            + status.getTtl() + " but the bus's lease TTL (" + NatsBusConfig.LEASE_TTL + ") is "
                            + config.leaseTtl() + ": every member must use the bucket's TTL; set "
                            + NatsBusConfig.LEASE_TTL + "=" + status.getTtl());
                }
                kvm.update(wanted);
            }
        } catch (JetStreamApiException e) {
            throw new ConfigurationException("cannot create or update NATS KV bucket '" + config.leaseBucket()
                    + "' for partition leases: " + e.getMessage(), e);
        }
    }

    /**
     * Creates (or updates, for changed pacing settings) the durable pull consumer of one group and partition; its
     * filter is the partition's subject, new groups start at the beginning of the stream.
     */
    void durable(String name, String subject) throws IOException {
        ConsumerConfiguration wanted = ConsumerConfiguration.builder().durable(name).filterSubject(subject)
                .ackPolicy(AckPolicy.Explicit).ackWait(config.ackWait()).maxAckPending(config.maxAckPending())
                .deliverPolicy(DeliverPolicy.All).maxDeliver(-1).build();
        try {
            ConsumerInfo existing = consumerInfo(name);
            if (existing != null) {
                ConsumerConfiguration c = existing.getConsumerConfiguration();
                if (!subject.equals(c.getFilterSubject()) || c.getAckPolicy() != AckPolicy.Explicit) {
                    throw new ConfigurationException("NATS consumer '" + name + "' on stream '" + config.stream()
                            + "' exists with filter '" + c.getFilterSubject() + "' and ack policy " + c.getAckPolicy()
                            + ", but the bus needs filter '" + subject + "' with explicit acks: delete the consumer"
                            + " (nats consumer rm " + config.stream() + " " + name + ")");
                }
                if (c.getAckWait().equals(config.ackWait()) && c.getMaxAckPending() == config.maxAckPending()) {
                    return;
                }
                jsm.updateConsumer(config.stream(), wanted);
                return;
            }
            jsm.addOrUpdateConsumer(config.stream(), wanted);
        } catch (JetStreamApiException e) {
            throw new IOException("cannot create NATS consumer '" + name + "' on stream '" + config.stream() + "': "
                    + e.getMessage(), e);
        }
    }

    ConsumerInfo consumerInfo(String name) throws IOException, JetStreamApiException {
        try {
            return jsm.getConsumerInfo(config.stream(), name);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == CONSUMER_NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }
}
