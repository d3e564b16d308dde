package io.switchboard.core;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/** Concise valid CloudEvents for tests. */
final class Events {
    private static final AtomicLong IDS = new AtomicLong();

    private Events() {
    }

    static CloudEvent event(String type) {
        return event(type, "/test", null);
    }

    static CloudEvent event(String type, String source, String subject) {
        CloudEventBuilder b = CloudEventBuilder.v1().withId("e" + IDS.incrementAndGet()).withType(type)
                .withSource(URI.create(source));
        if (subject != null) {
            b.withSubject(subject);
        }
        return b.build();
    }
}
