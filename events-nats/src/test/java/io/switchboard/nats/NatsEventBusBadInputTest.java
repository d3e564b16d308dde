package io.switchboard.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.switchboard.api.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each way of getting the server side wrong is refused at creation with a message naming the setting and the fix. */
class NatsEventBusBadInputTest {

    @Test
    void unreachableServerNamesTheServersSetting() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // free again once closed: nothing listens there
        }
        NatsBusConfig config = NatsBusConfig.builder().servers("nats://127.0.0.1:" + port)
                .connectionProperty("io.nats.client.timeout", "1000").build();
        assertThatThrownBy(() -> NatsEventBus.create(config)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot connect to NATS at [nats://127.0.0.1:" + port + "]")
                .hasMessageContaining("correct 'servers'");
    }

    @Test
    void serverWithoutJetStreamSaysToStartItWithJs() throws Exception {
        try (NatsServerProcess server = NatsServerProcess.withoutJetStream()) {
            NatsBusConfig config = NatsBusConfig.builder().servers(server.url()).build();
            assertThatThrownBy(() -> NatsEventBus.create(config)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("has no JetStream").hasMessageContaining("-js");
        }
    }

    @Test
    void streamWithWorkQueueRetentionIsRefused() throws Exception {
        String prefix = SharedNats.uniquePrefix("bad-wq");
        NatsBusConfig config = SharedNats.fastBus(SharedNats.URL, prefix).build();
        try (Connection c = Nats.connect(SharedNats.URL)) {
            c.jetStreamManagement().addStream(StreamConfiguration.builder().name(config.stream())
                    .subjects(config.streamSubjects()).retentionPolicy(RetentionPolicy.WorkQueue)
                    .storageType(StorageType.Memory).build());
            assertThatThrownBy(() -> NatsEventBus.create(config)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("NATS stream '" + config.stream() + "' does not fit the bus")
                    .hasMessageContaining("WorkQueue").hasMessageContaining(NatsBusConfig.STREAM);
        } finally {
            SharedNats.cleanUp(config);
        }
    }

    @Test
    void streamOfOtherStorageNamesTheStorageSetting() throws Exception {
        NatsBusConfig config = SharedNats.fastBus(SharedNats.URL, SharedNats.uniquePrefix("bad-storage")).build();
        try (Connection c = Nats.connect(SharedNats.URL)) {
            c.jetStreamManagement().addStream(StreamConfiguration.builder().name(config.stream())
                    .subjects(config.streamSubjects()).storageType(StorageType.Memory)
                    .duplicateWindow(Duration.ofMinutes(1)).build());
            assertThatThrownBy(() -> NatsEventBus.create(config)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("its storage is memory but the bus is set to file")
                    .hasMessageContaining(NatsBusConfig.STREAM_STORAGE + "=memory");
        } finally {
            SharedNats.cleanUp(config);
        }
    }

    @Test
    void checkedStreamWithoutTheSubjectsOrDuplicateWindowIsExplained() throws Exception {
        NatsBusConfig config = SharedNats.fastBus(SharedNats.URL, SharedNats.uniquePrefix("bad-subjects"))
                .storage(StorageType.Memory).createStream(false).build();
        try (Connection c = Nats.connect(SharedNats.URL)) {
            c.jetStreamManagement().addStream(StreamConfiguration.builder().name(config.stream())
                    .subjects("elsewhere." + config.stream() + ".>").storageType(StorageType.Memory)
                    .maxMessagesPerSubject(1).build());
            assertThatThrownBy(() -> NatsEventBus.create(config)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("do not include '" + config.streamSubjects() + "'")
                    .hasMessageContaining("keeps only 1 messages per subject");
        } finally {
            SharedNats.cleanUp(config);
        }
    }

    @Test
    void missingStreamWithCreationOffSaysHowToCreateIt() {
        NatsBusConfig config = SharedNats.fastBus(SharedNats.URL, SharedNats.uniquePrefix("bad-missing"))
                .createStream(false).build();
        assertThatThrownBy(() -> NatsEventBus.create(config)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("does not exist").hasMessageContaining(NatsBusConfig.STREAM_CREATE + "=false")
                .hasMessageContaining(config.streamSubjects());
    }

    @Test
    void providerRefusesBadTextWithTheKeysName() {
        assertThatThrownBy(() -> new NatsEventBusProvider().create(Map.of("servers", SharedNats.URL,
                NatsBusConfig.MAX_ACK_PENDING, "-5"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(NatsBusConfig.MAX_ACK_PENDING);
    }

    @Test
    void topicThatCannotBePartOfASubjectIsRefusedAtPublish() {
        NatsBusConfig config = SharedNats.fastBus(SharedNats.URL, SharedNats.uniquePrefix("bad-topic")).build();
        try (NatsEventBus bus = NatsEventBus.create(config)) {
            assertThatThrownBy(() -> bus.publish("orders.*", TestEvents.event("e", "k")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'orders.*'")
                    .hasMessageContaining("no wildcards");
            assertThatThrownBy(() -> bus.subscribe("orders created", "g", e -> null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no spaces");
            assertThat(bus.type()).isEqualTo("nats");
        } finally {
            SharedNats.cleanUp(config);
        }
    }
}
