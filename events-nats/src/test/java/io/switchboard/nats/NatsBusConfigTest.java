package io.switchboard.nats;

import io.cloudevents.core.message.Encoding;
import io.nats.client.api.StorageType;
import io.switchboard.api.ConfigurationException;
import io.switchboard.spi.EventBusProvider;
import io.switchboard.spi.EventSourceProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NatsBusConfigTest {

    @Test
    void readsEverySettingFromText() {
        NatsBusConfig c = NatsBusConfig.fromMap(Map.ofEntries(
                Map.entry("servers", "nats://a:4222, b:4223"),
                Map.entry(NatsBusConfig.SUBJECT_PREFIX, "shop.events"),
                Map.entry(NatsBusConfig.STREAM_CREATE, "false"),
                Map.entry(NatsBusConfig.STREAM_STORAGE, "memory"),
                Map.entry(NatsBusConfig.STREAM_REPLICAS, "3"),
                Map.entry(NatsBusConfig.STREAM_MAX_AGE, "P1D"),
                Map.entry(NatsBusConfig.STREAM_MAX_BYTES, "1000000"),
                Map.entry(NatsBusConfig.DUPLICATE_WINDOW, "PT5M"),
                Map.entry(NatsBusConfig.PARTITIONS, "12"),
                Map.entry(NatsBusConfig.ENCODING, "structured"),
                Map.entry(NatsBusConfig.CONCURRENCY, "4"),
                Map.entry(NatsBusConfig.MAX_ACK_PENDING, "50"),
                Map.entry(NatsBusConfig.ACK_WAIT, "PT10S"),
                Map.entry(NatsBusConfig.LEASE_TTL, "6000"),
                Map.entry(NatsBusConfig.REDELIVERY_INITIAL_BACKOFF, "PT0.2S"),
                Map.entry(NatsBusConfig.REDELIVERY_MAX_BACKOFF, "PT3S"),
                Map.entry(NatsBusConfig.DEAD_LETTER_SUBJECT, "shop.dlq"),
                Map.entry(NatsBusConfig.REVOKE_TIMEOUT, "PT1S"),
                Map.entry(NatsBusConfig.CLOSE_TIMEOUT, "PT2S"),
                Map.entry("io.nats.client.name", "orders")));

        assertThat(c.servers()).containsExactly("nats://a:4222", "nats://b:4223");
        assertThat(c.stream()).isEqualTo("SHOP_EVENTS");
        assertThat(c.subject("orders", 3)).isEqualTo("shop.events.orders.3");
        assertThat(c.streamSubjects()).isEqualTo("shop.events.>");
        assertThat(c.createStream()).isFalse();
        assertThat(c.storage()).isEqualTo(StorageType.Memory);
        assertThat(c.replicas()).isEqualTo(3);
        assertThat(c.maxAge()).isEqualTo(Duration.ofDays(1));
        assertThat(c.maxBytes()).isEqualTo(1_000_000);
        assertThat(c.duplicateWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.partitions()).isEqualTo(12);
        assertThat(c.encoding()).isEqualTo(Encoding.STRUCTURED);
        assertThat(c.concurrency()).isEqualTo(4);
        assertThat(c.maxAckPending()).isEqualTo(50);
        assertThat(c.ackWait()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.keepAlive()).isEqualTo(Duration.ofSeconds(10).dividedBy(3));
        assertThat(c.leaseTtl()).isEqualTo(Duration.ofSeconds(6));
        assertThat(c.heartbeat()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.initialBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.maxBackoff()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.deadLetterSubject("orders")).isEqualTo("shop.dlq");
        assertThat(c.revokeTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.closeTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.connectionOptions("x").getConnectionName()).isEqualTo("orders");
    }

    @Test
    void defaultsAreDocumented() {
        NatsBusConfig c = NatsBusConfig.builder().servers("nats://127.0.0.1:4222").build();
        assertThat(c.subjectPrefix()).isEqualTo("switchboard");
        assertThat(c.stream()).isEqualTo("SWITCHBOARD");
        assertThat(c.leaseBucket()).isEqualTo("SWITCHBOARD_leases");
        assertThat(c.deadLetterSubject("orders")).isEqualTo("switchboard.orders.dead-letter");
        assertThat(c.partitions()).isEqualTo(8);
        assertThat(c.encoding()).isEqualTo(Encoding.BINARY);
        assertThat(c.storage()).isEqualTo(StorageType.File);
        assertThat(c.ackWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.leaseTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.duplicateWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.maxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(c.connectionOptions("n").getMaxReconnect()).as("reconnects forever").isEqualTo(-1);
    }

    @Test
    void badValuesNameTheSettingAndTheFix() {
        assertThatThrownBy(() -> NatsBusConfig.fromMap(Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'servers'");
        assertThatThrownBy(() -> NatsBusConfig.fromMap(Map.of("servers", "nats://h:1", NatsBusConfig.PARTITIONS, "0")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(NatsBusConfig.PARTITIONS)
                .hasMessageContaining("1 to 1024");
        assertThatThrownBy(() -> NatsBusConfig.fromMap(Map.of("servers", "nats://h:1", NatsBusConfig.PARTITIONS, "many")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(NatsBusConfig.PARTITIONS)
                .hasMessageContaining("integer");
        assertThatThrownBy(() -> NatsBusConfig.fromMap(Map.of("servers", "nats://h:1", NatsBusConfig.ACK_WAIT, "soon")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(NatsBusConfig.ACK_WAIT)
                .hasMessageContaining("PT5S");
        assertThatThrownBy(() -> NatsBusConfig.fromMap(Map.of("servers", "nats://h:1", NatsBusConfig.ACK_WAIT, "PT0.1S")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least 1 s");
        assertThatThrownBy(() -> NatsBusConfig.fromMap(Map.of("servers", "nats://h:1", NatsBusConfig.SUBJECT_PREFIX, "a.*")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(NatsBusConfig.SUBJECT_PREFIX);
        assertThatThrownBy(() -> NatsBusConfig.fromMap(Map.of("servers", "nats://h:1", NatsBusConfig.ENCODING, "xml")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("binary or structured");
        assertThatThrownBy(() -> NatsBusConfig.fromMap(Map.of("servers", "nats://h:1", NatsBusConfig.STREAM_STORAGE, "disk")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("file or memory");
        assertThatThrownBy(() -> NatsBusConfig.fromMap(Map.of("servers", "nats://h:1", "switchboard.partitons", "3")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown NATS bus setting 'switchboard.partitons'")
                .hasMessageContaining(NatsBusConfig.PARTITIONS);
        assertThatThrownBy(() -> NatsBusConfig.fromMap(Map.of("servers", "nats://h:1", "bootstrap.servers", "k:9092")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("io.nats.client.");
        assertThatThrownBy(() -> NatsBusConfig.fromMap(Map.of("servers", "nats://h:1",
                NatsBusConfig.REDELIVERY_INITIAL_BACKOFF, "PT5S", NatsBusConfig.REDELIVERY_MAX_BACKOFF, "PT1S")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("initial <= max");
        assertThatThrownBy(() -> NatsBusConfig.builder().servers("nats://h:1").maxAge(Duration.ofSeconds(30)).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(NatsBusConfig.DUPLICATE_WINDOW)
                .hasMessageContaining(NatsBusConfig.STREAM_MAX_AGE);
        assertThatThrownBy(() -> NatsBusConfig.builder().servers("nats://h:1").connectionProperty("io.nats.client.servers", "x"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'servers'");
        assertThatThrownBy(() -> NatsBusConfig.builder().servers("not a url"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("nats://host:4222");
    }

    @Test
    void providersAreFoundByServiceLoaderAsNats() {
        assertThat(ServiceLoader.load(EventBusProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.type().equals("nats")).findFirst()).get().isInstanceOf(NatsEventBusProvider.class);
        assertThat(ServiceLoader.load(EventSourceProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.type().equals("nats")).findFirst()).get().isInstanceOf(NatsEventSourceProvider.class);
    }

    @Test
    void groupNamesBecomeSafeTokens() {
        assertThat(Names.token("shipping-1")).isEqualTo("shipping-1");
        assertThat(Names.token("trigger/input.a b")).matches("trigger_input_a_b-[0-9a-f]{8}");
        assertThat(Names.token("trigger/input.a b")).isNotEqualTo(Names.token("trigger_input_a_b"));
    }
}
