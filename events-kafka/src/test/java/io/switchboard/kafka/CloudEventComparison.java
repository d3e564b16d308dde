package io.switchboard.kafka;

import io.cloudevents.CloudEvent;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Compares CloudEvents attribute by attribute (extensions by their text form, data by bytes). */
final class CloudEventComparison {

    private CloudEventComparison() {
    }

    static void assertSameEvent(CloudEvent actual, CloudEvent expected) {
        assertThat(actual.getSpecVersion()).as("specversion").isEqualTo(expected.getSpecVersion());
        assertThat(actual.getId()).as("id").isEqualTo(expected.getId());
        assertThat(actual.getSource()).as("source").isEqualTo(expected.getSource());
        assertThat(actual.getType()).as("type").isEqualTo(expected.getType());
        assertThat(actual.getSubject()).as("subject").isEqualTo(expected.getSubject());
        assertThat(actual.getDataContentType()).as("datacontenttype").isEqualTo(expected.getDataContentType());
        assertThat(actual.getDataSchema()).as("dataschema").isEqualTo(expected.getDataSchema());
        assertThat(actual.getTime() == null ? null : actual.getTime().toInstant()).as("time")
                .isEqualTo(expected.getTime() == null ? null : expected.getTime().toInstant());
        assertThat(extensions(actual)).as("extensions").isEqualTo(extensions(expected));
        assertThat(actual.getData() == null ? null : actual.getData().toBytes()).as("data")
                .isEqualTo(expected.getData() == null ? null : expected.getData().toBytes());
    }

    private static Map<String, String> extensions(CloudEvent event) {
        Map<String, String> out = new TreeMap<>();
        for (String name : event.getExtensionNames()) {
            Object value = event.getExtension(name);
            out.put(name, value instanceof byte[] bytes ? java.util.Base64.getEncoder().encodeToString(bytes) : String.valueOf(value));
        }
        return out;
    }
}
