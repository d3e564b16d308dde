package io.switchboard.core.internal.testing;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/** Small CloudEvents for tests. */
public final class TestEvents {

    private static final AtomicLong IDS = new AtomicLong();

    private TestEvents() {
    }

    /** An event of {@code type} with {@code subject} (may be {@code null}) and a unique id. */
    public static CloudEvent event(String type, String subject) {
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(type + "-" + IDS.incrementAndGet())
                .withSource(URI.create("/test"))
                .withType(type)
                .withData("text/plain", (type + ":" + subject).getBytes(StandardCharsets.UTF_8));
        if (subject != null) {
            b.withSubject(subject);
        }
        return b.build();
    }

    /** An event of {@code type} carrying extension {@code name}={@code value}. */
    public static CloudEvent withExtension(String type, String name, String value) {
        return CloudEventBuilder.v1(event(type, null)).withExtension(name, value).build();
    }
}
