package io.switchboard.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.Encoding;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.switchboard.api.EventSource;
import io.switchboard.api.Scheduler;
import io.switchboard.api.SourceContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bus speaks the CloudEvents NATS protocol binding with plain jnats on the other side: what the bus writes has the
 * binding's headers and payload, and what plain jnats writes in either mode is read intact by the bus and the source.
 */
class NatsEventBusInteropTest {

    private static final NatsBusConfig.Builder SETTINGS = SharedNats.fastBus(SharedNats.URL, SharedNats.uniquePrefix("interop"));

    @AfterAll
    static void deleteStream() {
        SharedNats.cleanUp(SETTINGS.build());
    }

    static CloudEvent tricky() {
        return CloudEventBuilder.v1().withId("id 1/\"x\"").withSource(URI.create("https://shop.example/orders?r=eu"))
                .withType("com.example.order.created").withSubject("Zoë ✓ 100%")
                .withTime(OffsetDateTime.of(2026, 3, 4, 5, 6, 7, 0, ZoneOffset.UTC))
                .withDataContentType("application/json").withExtension("region", "eu west")
                .withExtension("partitionkey", "order-7")
                .withData("{\"order\":7}".getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    void binaryModeHeadersAreTheBindingsAndPercentEncoded() throws Exception {
        NatsBusConfig config = SETTINGS.encoding(Encoding.BINARY).build();
        String topic = TestEvents.unique("out-binary");
        try (NatsEventBus bus = NatsEventBus.create(config); Connection plain = Nats.connect(SharedNats.URL)) {
            Subscription reader = plain.subscribe(config.subjectPrefix() + "." + topic + ".*");
            plain.flush(Duration.ofSeconds(5));
            bus.publish(topic, tricky()).toCompletableFuture().join();
            Message m = reader.nextMessage(Duration.ofSeconds(10));
            assertThat(m).as("message read with plain jnats").isNotNull();
            Headers h = m.getHeaders();
            assertThat(h.getFirst("ce-specversion")).isEqualTo("1.0");
            assertThat(h.getFirst("ce-id")).isEqualTo("id%201/%22x%22");
            assertThat(h.getFirst("ce-source")).isEqualTo("https://shop.example/orders?r=eu");
            assertThat(h.getFirst("ce-type")).isEqualTo("com.example.order.created");
            assertThat(h.getFirst("ce-subject")).isEqualTo("Zo%C3%AB%20%E2%9C%93%20100%25");
            assertThat(h.getFirst("ce-time")).isEqualTo("2026-03-04T05:06:07Z");
            assertThat(h.getFirst("ce-datacontenttype")).as("datacontenttype is a ce- header like any attribute")
                    .isEqualTo("application/json");
            assertThat(h.getFirst("ce-region")).isEqualTo("eu%20west");
            assertThat(h.get("Content-Type")).as("no Content-Type: that would mean structured mode").isNull();
            assertThat(h.getFirst("Nats-Msg-Id")).isEqualTo(topic + " https://shop.example/orders?r=eu id%201/%22x%22");
            assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("{\"order\":7}");
            int partition = Math.floorMod(Names.fnv1a("order-7"), config.partitions());
            assertThat(m.getSubject()).isEqualTo(config.subject(topic, partition));
        }
    }

    @Test
    void structuredModeCarriesTheJsonFormat() throws Exception {
        NatsBusConfig config = SETTINGS.encoding(Encoding.STRUCTURED).build();
        String topic = TestEvents.unique("out-structured");
        try (NatsEventBus bus = NatsEventBus.create(config); Connection plain = Nats.connect(SharedNats.URL)) {
            Subscription reader = plain.subscribe(config.subjectPrefix() + "." + topic + ".*");
            plain.flush(Duration.ofSeconds(5));
            bus.publish(topic, tricky()).toCompletableFuture().join();
            Message m = reader.nextMessage(Duration.ofSeconds(10));
            assertThat(m.getHeaders().getFirst("Content-Type")).isEqualTo("application/cloudevents+json");
            assertThat(m.getHeaders().get("ce-id")).isNull();
            JsonNode json = new ObjectMapper().readTree(m.getData());
            assertThat(json.get("specversion").asText()).isEqualTo("1.0");
            assertThat(json.get("id").asText()).isEqualTo("id 1/\"x\"");
            assertThat(json.get("subject").asText()).isEqualTo("Zoë ✓ 100%");
            assertThat(json.get("data").get("order").asInt()).isEqualTo(7);
        } finally {
            SETTINGS.encoding(Encoding.BINARY);
        }
    }

    /** Written by hand as another binding implementation would: lower-case hex, a quoted value, odd header case. */
    static Headers handWrittenBinary(String id) {
        Headers h = new Headers();
        h.put("CE-SpecVersion", "1.0");
        h.put("ce-id", id);
        h.put("ce-source", "/legacy/app");
        h.put("ce-type", "com.example.legacy");
        h.put("ce-subject", "Zo%c3%ab%20caf%C3%A9");
        h.put("ce-comment", "\"say \\\"hi\\\"\"");
        h.put("ce-datacontenttype", "text/plain");
        return h;
    }

    static void assertHandWritten(CloudEvent e, String id) {
        assertThat(e.getId()).isEqualTo(id);
        assertThat(e.getSource()).isEqualTo(URI.create("/legacy/app"));
        assertThat(e.getType()).isEqualTo("com.example.legacy");
        assertThat(e.getSubject()).isEqualTo("Zoë café");
        assertThat(e.getExtension("comment")).isEqualTo("say \"hi\"");
        assertThat(e.getDataContentType()).isEqualTo("text/plain");
        assertThat(new String(e.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }

    static byte[] handWrittenStructured(String id) {
        return ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/legacy/app\",\"type\":\"com.example.legacy\","
                + "\"subject\":\"Zoë café\",\"comment\":\"say \\\"hi\\\"\",\"datacontenttype\":\"text/plain\","
                + "\"data\":\"hello\"}").getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void busReadsWhatPlainJnatsWrites(Encoding mode) throws Exception {
        NatsBusConfig config = SETTINGS.build();
        String topic = TestEvents.unique("in");
        List<CloudEvent> received = new CopyOnWriteArrayList<>();
        try (NatsEventBus bus = NatsEventBus.create(config); Connection plain = Nats.connect(SharedNats.URL)) {
            bus.subscribe(topic, "g", e -> {
                received.add(e);
                return CompletableFuture.completedFuture(null);
            });
            String id = "legacy-" + mode;
            if (mode == Encoding.BINARY) {
                plain.jetStream().publish(config.subject(topic, 2), handWrittenBinary(id), "hello".getBytes(StandardCharsets.UTF_8));
            } else {
                Headers h = new Headers().put("content-type", "Application/CloudEvents+JSON; charset=utf-8");
                plain.jetStream().publish(config.subject(topic, 5), h, handWrittenStructured(id));
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> !received.isEmpty());
            assertHandWritten(received.get(0), id);
        }
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void sourceReadsWhatPlainJnatsWritesUnchanged(Encoding mode) throws Exception {
        String subject = "sbtest.interop-source." + TestEvents.unique("s");
        RecordingContext context = new RecordingContext();
        EventSource source = NatsEventSource.builder("legacy").servers(SharedNats.URL).subjects(subject + ".>").build();
        try (Connection plain = Nats.connect(SharedNats.URL)) {
            source.start(context);
            String id = "core-" + mode;
            if (mode == Encoding.BINARY) {
                plain.publish(subject + ".a", handWrittenBinary(id), "hello".getBytes(StandardCharsets.UTF_8));
            } else {
                plain.publish(subject + ".b", new Headers().put("Content-Type", "application/cloudevents+json"),
                        handWrittenStructured(id));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !context.events.isEmpty());
            assertHandWritten(context.events.get(0), id);
        } finally {
            source.close();
        }
    }

    /** Records what a source emits; every emit is accepted unless told otherwise. */
    static final class RecordingContext implements SourceContext {
        private static final Scheduler SCHEDULER = io.switchboard.core.time.Schedulers.system("test-source-scheduler");
        final List<CloudEvent> events = new CopyOnWriteArrayList<>();
        volatile java.util.function.Function<CloudEvent, CompletionStage<Void>> answer =
                e -> CompletableFuture.completedFuture(null);

        @Override
        public String sourceName() {
            return "test";
        }

        @Override
        public CompletionStage<Void> emit(CloudEvent event) {
            events.add(event);
            return answer.apply(event);
        }

        @Override
        public CompletionStage<CloudEvent> request(String trigger, CloudEvent event, Duration timeout) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException());
        }

        @Override
        public Scheduler scheduler() {
            return SCHEDULER;
        }
    }
}
