package io.switchboard.redis;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventSource;
import io.switchboard.spi.EventSourceProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@link RedisEventSource} on a real server: pub/sub, keyspace notifications, streams, reconnects, bad settings. */
class RedisEventSourceTest {

    private static final String PREFIX = TestRedis.prefix(RedisEventSourceTest.class);

    @AfterAll
    static void removeKeys() {
        try (TestRedis.Raw raw = TestRedis.raw()) {
            raw.deleteAll(PREFIX);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void channelAndPatternMessagesBecomeEventsAndCloudEventsPassThroughUnchanged() throws Exception {
        String channel = PREFIX + "orders";
        RedisEventSource source = RedisEventSource.builder("pubsub").uri(TestRedis.URI).channels(channel)
                .patterns(PREFIX + "audit.*").build();
        CloudEvent structured = CloudEventBuilder.v1().withId("ce-1").withSource(URI.create("/shop"))
                .withType("com.example.order").withData("application/json", bytes("{\"n\":1}")).build();
        try (RecordingSourceContext context = new RecordingSourceContext(); TestRedis.Raw raw = TestRedis.raw()) {
            source.start(context);
            raw.sync().publish(channel, bytes("plain text"));
            raw.sync().publish(channel, new JsonFormat().serialize(structured));
            raw.sync().publish(PREFIX + "audit.login", bytes("plain text"));
            await().atMost(Duration.ofSeconds(10)).until(() -> context.accepted.size() == 3);

            CloudEvent plain = context.accepted.get(0);
            assertThat(plain.getType()).isEqualTo(RedisEventSource.MESSAGE_TYPE);
            assertThat(plain.getExtension(RedisEventSource.CHANNEL_EXTENSION)).isEqualTo(channel);
            assertThat(plain.getData().toBytes()).isEqualTo(bytes("plain text"));
            assertThat(plain.getSource().toString()).startsWith("redis:channel:");
            CloudEvent passed = context.accepted.get(1);
            assertThat(passed.getId()).isEqualTo("ce-1");
            assertThat(passed.getType()).isEqualTo("com.example.order");
            assertThat(passed.getData().toBytes()).isEqualTo(bytes("{\"n\":1}"));
            CloudEvent viaPattern = context.accepted.get(2);
            assertThat(viaPattern.getExtension(RedisEventSource.PATTERN_EXTENSION)).isEqualTo(PREFIX + "audit.*");
            assertThat(viaPattern.getId()).as("id of the same payload on another channel").isNotEqualTo(plain.getId());
            // the id is stable: a second instance receiving the same message computes the same id
            assertThat(source.fromMessage(channel, null, bytes("plain text")).getId()).isEqualTo(plain.getId());
        } finally {
            source.close();
        }
    }

    @Test
    void keyspaceNotificationsNeedTheServerSettingAndSayWhichToSet() throws Exception {
        try (RedisServerProcess plain = RedisServerProcess.start()) {
            RedisEventSource source = RedisEventSource.builder("keys").uri(plain.uri()).keyspace("session:*", "set",
                    "expired").build();
            try (RecordingSourceContext context = new RecordingSourceContext()) {
                assertThatThrownBy(() -> source.start(context)).isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining("notify-keyspace-events=''")
                        .hasMessageContaining("missing [K, x, $]").hasMessageContaining("CONFIG SET notify-keyspace-events Kx$");
            } finally {
                source.close();
            }
        }
        try (RedisServerProcess server = RedisServerProcess.start("--notify-keyspace-events", "K$gx")) {
            RedisEventSource source = RedisEventSource.builder("keys").uri(server.uri()).keyspace("session:*", "set",
                    "del").build();
            try (RecordingSourceContext context = new RecordingSourceContext(); TestRedis.Raw raw = TestRedis.raw(server.uri())) {
                source.start(context);
                raw.sync().set("session:1", bytes("a"));
                raw.sync().set("other:1", bytes("b"));
                raw.sync().append("session:1", bytes("c")); // not watched
                raw.sync().del("session:1");
                await().atMost(Duration.ofSeconds(10)).until(() -> context.accepted.size() == 2);
                assertThat(context.accepted).extracting(e -> e.getExtension(RedisEventSource.EVENT_EXTENSION))
                        .containsExactly("set", "del");
                assertThat(context.accepted.get(0).getType()).isEqualTo(RedisEventSource.KEYSPACE_TYPE);
                assertThat(context.accepted.get(0).getSubject()).isEqualTo("session:1");
            } finally {
                source.close();
            }
        }
    }

    @Test
    void streamEntriesAreAcknowledgedOnlyAfterTheEmitWasAcceptedAndFailedEmitsAreRetried() throws Exception {
        String stream = PREFIX + "incoming";
        RedisEventSource source = RedisEventSource.builder("stream").uri(TestRedis.URI).stream(stream, "app")
                .streamStart("0").build();
        AtomicInteger attempts = new AtomicInteger();
        try (RecordingSourceContext context = new RecordingSourceContext(); TestRedis.Raw raw = TestRedis.raw()) {
            Map<String, byte[]> fields = new java.util.LinkedHashMap<>();
            fields.put("order", bytes("o-1"));
            fields.put("amount", bytes("12.50"));
            String plainId = raw.xadd(stream, fields);
            CloudEvent busEvent = CloudEventBuilder.v1().withId("bus-1").withSource(URI.create("/bus"))
                    .withType("com.example.bus").build();
            raw.xadd(stream, EntryFormat.encode(busEvent, null, RedisBusConfig.Encoding.BINARY));
            context.answering(e -> attempts.incrementAndGet() == 1
                    ? CompletableFuture.failedFuture(new IllegalStateException("first emit refused"))
                    : CompletableFuture.completedFuture(null));
            source.start(context);

            await().atMost(Duration.ofSeconds(10)).until(() -> context.accepted.size() == 2);
            CloudEvent plain = context.accepted.stream().filter(e -> e.getType().equals(RedisEventSource.ENTRY_TYPE))
                    .findFirst().orElseThrow();
            assertThat(plain.getId()).isEqualTo(plainId);
            assertThat(plain.getExtension(RedisEventSource.STREAM_EXTENSION)).isEqualTo(stream);
            assertThat(new String(plain.getData().toBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"order\":\"o-1\",\"amount\":\"12.50\"}");
            assertThat(context.accepted).extracting(CloudEvent::getId).contains("bus-1");
            assertThat(context.attempts).hasSize(3);
            await().atMost(Duration.ofSeconds(5)).until(() -> raw.sync().xpending(stream, "app").getCount() == 0);
        } finally {
            source.close();
        }
    }

    @Test
    void pubSubReconnectsAfterAServerRestartAndCountsTheGap() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.start()) {
            RedisEventSource source = RedisEventSource.builder("gap").uri(server.uri()).channels("ticks").build();
            try (RecordingSourceContext context = new RecordingSourceContext()) {
                source.start(context);
                try (TestRedis.Raw raw = TestRedis.raw(server.uri())) {
                    raw.sync().publish("ticks", bytes("before"));
                    await().atMost(Duration.ofSeconds(10)).until(() -> context.accepted.size() == 1);
                }
                server.kill();
                Thread.sleep(300);
                server.restart();
                await().atMost(Duration.ofSeconds(15)).until(() -> source.gaps() == 1);
                try (TestRedis.Raw raw = TestRedis.raw(server.uri())) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> raw.sync().publish("ticks", bytes("after")) > 0);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> context.accepted.size() == 2);
                assertThat(source.gapTime()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            } finally {
                source.close();
            }
        }
    }

    @Test
    void settingsFromTextAndTheirErrors() {
        EventSourceProvider provider = ServiceLoader.load(EventSourceProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.type().equals("redis")).findFirst().orElseThrow();
        EventSource source = provider.create("s", Map.of(RedisBusConfig.URI, TestRedis.URI,
                RedisEventSource.CHANNELS, "a, b", RedisEventSource.STREAM, "x", RedisEventSource.CLAIM_IDLE, "PT5S"));
        assertThat(source).isInstanceOf(RedisEventSource.class);
        assertThat(source.name()).isEqualTo("s");

        assertThatThrownBy(() -> RedisEventSource.fromMap("s", Map.of(RedisEventSource.CHANNELS, "a")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(RedisBusConfig.URI);
        assertThatThrownBy(() -> RedisEventSource.fromMap("s", Map.of(RedisBusConfig.URI, TestRedis.URI)))
                .hasMessageContaining("nothing to read").hasMessageContaining(RedisEventSource.CHANNELS);
        assertThatThrownBy(() -> RedisEventSource.fromMap("s", Map.of(RedisBusConfig.URI, TestRedis.URI,
                RedisEventSource.STREAM, "x", RedisEventSource.STREAM_START, "beginning")))
                .hasMessageContaining(RedisEventSource.STREAM_START).hasMessageContaining("$");
        assertThatThrownBy(() -> RedisEventSource.fromMap("s", Map.of(RedisBusConfig.URI, TestRedis.URI,
                RedisEventSource.KEYSPACE_EVENTS, "set")))
                .hasMessageContaining(RedisEventSource.KEYSPACE_PATTERN);
        assertThatThrownBy(() -> RedisEventSource.fromMap("s", Map.of(RedisBusConfig.URI, TestRedis.URI,
                "switchboard.channel", "a")))
                .hasMessageContaining("unknown Redis source setting 'switchboard.channel'");
    }

    @Test
    void streamKeyOfTheWrongTypeIsReportedWithTheFix() throws Exception {
        String key = PREFIX + "not-a-stream";
        try (TestRedis.Raw raw = TestRedis.raw(); RecordingSourceContext context = new RecordingSourceContext()) {
            raw.sync().set(key, bytes("x"));
            RedisEventSource source = RedisEventSource.builder("wrong").uri(TestRedis.URI).stream(key, "g").build();
            try {
                assertThatThrownBy(() -> source.start(context)).isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining("key '" + key + "' exists but is not a stream")
                        .hasMessageContaining(RedisEventSource.STREAM);
            } finally {
                source.close();
            }
        }
    }
}
