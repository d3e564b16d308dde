package io.switchboard.nats;

import io.cloudevents.CloudEvent;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.PublishRejectedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class NatsEventSourceTest {

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void coreSubjectsWithWildcardsBecomeEvents() throws Exception {
        String base = "sbtest.source." + TestEvents.unique("core");
        NatsEventBusInteropTest.RecordingContext context = new NatsEventBusInteropTest.RecordingContext();
        NatsEventSource source = NatsEventSource.builder("orders").servers(SharedNats.URL)
                .subjects(base + ".*.created", base + ".paid.>").build();
        try (Connection plain = Nats.connect(SharedNats.URL)) {
            source.start(context);
            plain.publish(base + ".eu.created", new Headers().put("Content-Type", "application/json")
                    .put("X-Trace-Id", "t-1"), "{\"order\":1}".getBytes(StandardCharsets.UTF_8));
            plain.publish(base + ".paid.eu.card", "paid".getBytes(StandardCharsets.UTF_8));
            plain.publish(base + ".eu.shipped", "not subscribed".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(10)).until(() -> context.events.size() >= 2);

            CloudEvent created = context.events.stream().filter(e -> e.getSubject().endsWith("created")).findFirst().orElseThrow();
            assertThat(created.getType()).isEqualTo(NatsEventSource.MESSAGE_TYPE);
            assertThat(created.getSource()).isEqualTo(URI.create("nats:" + base + ".eu.created"));
            assertThat(created.getSubject()).isEqualTo(base + ".eu.created");
            assertThat(created.getDataContentType()).isEqualTo("application/json");
            assertThat(created.getExtension(NatsEventSource.SUBJECT_EXTENSION)).isEqualTo(base + ".eu.created");
            assertThat(created.getExtension("natshxtraceid")).isEqualTo("t-1");
            assertThat(new String(created.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"order\":1}");
            assertThat(created.getId()).isNotBlank();
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> context.events.size() == 2);
        } finally {
            source.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void sourcesInOneQueueGroupShareTheMessages() throws Exception {
        String subject = "sbtest.source." + TestEvents.unique("queue");
        NatsEventBusInteropTest.RecordingContext a = new NatsEventBusInteropTest.RecordingContext();
        NatsEventBusInteropTest.RecordingContext b = new NatsEventBusInteropTest.RecordingContext();
        NatsEventSource first = NatsEventSource.fromMap("q", Map.of("servers", SharedNats.URL,
                NatsEventSource.SUBJECTS, subject, NatsEventSource.QUEUE_GROUP, "workers"));
        NatsEventSource second = NatsEventSource.fromMap("q", Map.of("servers", SharedNats.URL,
                NatsEventSource.SUBJECTS, subject, NatsEventSource.QUEUE_GROUP, "workers"));
        try (Connection plain = Nats.connect(SharedNats.URL)) {
            first.start(a);
            second.start(b);
            for (int i = 0; i < 100; i++) {
                plain.publish(subject, Integer.toString(i).getBytes(StandardCharsets.UTF_8));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> a.events.size() + b.events.size() == 100);
            Set<String> payloads = new HashSet<>();
            a.events.forEach(e -> payloads.add(new String(e.getData().toBytes(), StandardCharsets.UTF_8)));
            b.events.forEach(e -> payloads.add(new String(e.getData().toBytes(), StandardCharsets.UTF_8)));
            assertThat(payloads).as("each message went to one member of the queue group").hasSize(100);
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void jetStreamSourceRetriesAFailedEmitAndAcknowledgesOnlyAcceptedOnes() throws Exception {
        String stream = "SBTEST_SOURCE_" + TestEvents.unique("js").replace('-', '_');
        String subjects = "sbtest.js-source." + stream.toLowerCase() + ".>";
        String prefix = subjects.substring(0, subjects.length() - 2);
        try (Connection plain = Nats.connect(SharedNats.URL)) {
            var jsm = plain.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name(stream).subjects(subjects).storageType(StorageType.Memory).build());
            try {
                for (int i = 0; i < 10; i++) {
                    plain.jetStream().publish(prefix + (i % 2 == 0 ? ".even" : ".odd"), ("m" + i).getBytes(StandardCharsets.UTF_8));
                }
                NatsEventBusInteropTest.RecordingContext context = new NatsEventBusInteropTest.RecordingContext();
                AtomicInteger failures = new AtomicInteger();
                context.answer = e -> new String(e.getData().toBytes(), StandardCharsets.UTF_8).equals("m4")
                        && failures.getAndIncrement() == 0
                        ? CompletableFuture.failedFuture(new PublishRejectedException("test: first emit of m4 refused"))
                        : CompletableFuture.completedFuture(null);
                NatsEventSource source = NatsEventSource.builder("js").servers(SharedNats.URL).stream(stream)
                        .durable("switchboard-test").filterSubject(prefix + ".>").ackWait(Duration.ofSeconds(2))
                        .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(200)).build();
                source.start(context);
                try {
                    await().atMost(Duration.ofSeconds(15)).until(() -> context.events.stream().map(CloudEvent::getId)
                            .distinct().count() == 10 && failures.get() >= 1 && context.events.size() >= 11);
                } finally {
                    source.close();
                }
                List<CloudEvent> m4 = context.events.stream()
                        .filter(e -> new String(e.getData().toBytes(), StandardCharsets.UTF_8).equals("m4")).toList();
                assertThat(m4).as("m4 emitted again after its first emit failed").hasSize(2);
                assertThat(m4.get(0).getId()).as("id stable across redeliveries").isEqualTo(m4.get(1).getId())
                        .isEqualTo(stream + "-5");
                assertThat(m4.get(0).getExtension(NatsEventSource.SEQUENCE_EXTENSION)).isEqualTo("5");
                assertThat(m4.get(0).getExtension(NatsEventSource.STREAM_EXTENSION)).isEqualTo(stream);
                assertThat(m4.get(0).getTime()).as("the stream's timestamp").isNotNull();
                List<String> even = context.events.stream().filter(e -> e.getSubject().endsWith(".even"))
                        .map(e -> new String(e.getData().toBytes(), StandardCharsets.UTF_8)).distinct().toList();
                assertThat(even).as("one subject's messages in order, the failed one before its successors")
                        .containsExactly("m0", "m2", "m4", "m6", "m8");

                // everything was acknowledged: the durable consumer resumes after it
                NatsEventBusInteropTest.RecordingContext again = new NatsEventBusInteropTest.RecordingContext();
                NatsEventSource reopened = NatsEventSource.builder("js").servers(SharedNats.URL).stream(stream)
                        .durable("switchboard-test").filterSubject(prefix + ".>").ackWait(Duration.ofSeconds(2)).build();
                reopened.start(again);
                try {
                    plain.jetStream().publish(prefix + ".even", "m10".getBytes(StandardCharsets.UTF_8));
                    await().atMost(Duration.ofSeconds(10)).until(() -> !again.events.isEmpty());
                    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> again.events.size() == 1);
                    assertThat(new String(again.events.get(0).getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("m10");
                } finally {
                    reopened.close();
                }
            } finally {
                jsm.deleteStream(stream);
            }
        }
    }

    @Test
    void badSettingsAreRefusedWithTheFix() {
        assertThatThrownBy(() -> NatsEventSource.builder("s").servers(SharedNats.URL).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("either subjects(...)");
        assertThatThrownBy(() -> NatsEventSource.builder("s").servers(SharedNats.URL).subjects("a.>.b"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'>' for the rest, at the end");
        assertThatThrownBy(() -> NatsEventSource.builder("s").servers(SharedNats.URL).subjects("a").durable("d").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("set stream(...)");
        assertThatThrownBy(() -> NatsEventSource.fromMap("s", Map.of("servers", SharedNats.URL, "switchboard.subject", "a")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown NATS source setting 'switchboard.subject'")
                .hasMessageContaining(NatsEventSource.SUBJECTS);
        NatsEventSource missing = NatsEventSource.builder("s").servers(SharedNats.URL).stream("SBTEST_NO_SUCH_STREAM").build();
        assertThatThrownBy(() -> missing.start(new NatsEventBusInteropTest.RecordingContext()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("stream 'SBTEST_NO_SUCH_STREAM'")
                .hasMessageContaining("create it");
    }
}
