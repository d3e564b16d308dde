package io.switchboard.core.internal.trigger;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;

class AttributeReaderTest {

    private final CloudEvent event = CloudEventBuilder.v1().withId("e1").withSource(URI.create("/shop"))
            .withType("order.created").withSubject("alice").withTime(OffsetDateTime.parse("2026-01-01T00:00:00Z"))
            .withExtension("orderid", "42").withExtension("priority", 3).build();

    @Test
    void readsContextAttributesAndExtensionsAsText() {
        assertThat(AttributeReader.of("id").read(event)).isEqualTo("e1");
        assertThat(AttributeReader.of("source").read(event)).isEqualTo("/shop");
        assertThat(AttributeReader.of("type").read(event)).isEqualTo("order.created");
        assertThat(AttributeReader.of("subject").read(event)).isEqualTo("alice");
        assertThat(AttributeReader.of("time").read(event)).isEqualTo("2026-01-01T00:00Z");
        assertThat(AttributeReader.of("specversion").read(event)).isEqualTo("1.0");
        assertThat(AttributeReader.of("orderid").read(event)).isEqualTo("42");
        assertThat(AttributeReader.of("priority").read(event)).isEqualTo("3");
    }

    @Test
    void missingAttributeOrExtensionReadsAsNull() {
        assertThat(AttributeReader.of("dataschema").read(event)).isNull();
        assertThat(AttributeReader.of("tenant").read(event)).isNull();
    }
}
