package io.switchboard.nats;

import io.cloudevents.CloudEvent;

/** The partition key of an event published without an explicit one: {@code partitionkey}, else {@code subject}. */
final class PartitionKeys {

    /** The CloudEvents Partitioning extension attribute. */
    static final String PARTITION_KEY = "partitionkey";

    private PartitionKeys() {
    }

    static String of(CloudEvent event) {
        Object key = event.getExtension(PARTITION_KEY);
        if (key != null) {
            return key.toString();
        }
        return event.getSubject();
    }
}
