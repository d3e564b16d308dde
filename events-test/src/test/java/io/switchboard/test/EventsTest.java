package io.switchboard.test;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventsTest {

    @Test
    void aFixtureIsAValidEventWithFreshIdAndDefaultSource() {
        CloudEvent a = Events.of("order.created");
        CloudEvent b = Events.of("order.created");

        assertThat(a.getSpecVersion()).isEqualTo(SpecVersion.V1);
        assertThat(a.getType()).isEqualTo("order.created");
        assertThat(a.getSource()).isEqualTo(URI.create(Events.DEFAULT_SOURCE));
        assertThat(a.getId()).isNotBlank().isNotEqualTo(b.getId());
        assertThat(a.getData()).isNull();
    }

    @Test
    void jsonDataSetsTheContentType() {
        CloudEvent e = Events.event("order.created").subject("o-1").data("{\"total\":42}").build();

        assertThat(e.getSubject()).isEqualTo("o-1");
        assertThat(e.getDataContentType()).isEqualTo("application/json");
        assertThat(new String(e.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"total\":42}");
    }

    @Test
    void settersReplaceEarlierValuesAndNoDataRemovesData() {
        Instant time = Instant.parse("2026-05-06T07:08:09Z");
        CloudEvent e = Events.event("t").id("a").id("b").source("/orders").time(time).text("hi").noData()
                .extension("attempt", 3).extension("urgent", true).extension("origin", URI.create("https://x.example"))
                .build();

        assertThat(e.getId()).isEqualTo("b");
        assertThat(e.getSource()).isEqualTo(URI.create("/orders"));
        assertThat(e.getTime().toInstant()).isEqualTo(time);
        assertThat(e.getData()).isNull();
        assertThat(e.getDataContentType()).isNull();
        assertThat(e.getExtension("attempt")).isEqualTo(3);
        assertThat(e.getExtension("urgent")).isEqualTo(true);
        assertThat(e.getExtension("origin")).isEqualTo(URI.create("https://x.example"));
    }

    @Test
    void bytesAreCopied() {
        byte[] data = {1, 2, 3};
        Events.Fixture fixture = Events.event("t").bytes(data);
        data[0] = 9;

        assertThat(fixture.build().getData().toBytes()).containsExactly(1, 2, 3);
        assertThat(fixture.build().getDataContentType()).isEqualTo("application/octet-stream");
    }

    @Test
    void aBlankTypeIsRejectedWithAHint() {
        assertThatThrownBy(() -> Events.event(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("order.created");
    }
}
