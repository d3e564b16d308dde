package io.switchboard.kafka;

import io.cloudevents.CloudEvent;

/** The record key of a published event: the {@code partitionkey} extension, else {@code subject}, else none. */
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
