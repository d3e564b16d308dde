package io.switchboard.core.config;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.Sink;
import io.switchboard.core.Switchboard;
import io.switchboard.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ConfigurationFileTest {

    private static CloudEvent event(String id, String type) {
        return CloudEventBuilder.v1().withId(id).withType(type).withSource(URI.create("/test")).withSubject("k").build();
    }

    @Test
    void aFileDeclaresBusesSourcesAndTriggersWhoseHandlersAreBoundInCode() {
        String yaml = """
                clusterEventBus:
                  memory: {partitions: 2}
                eventSources:
                  clock:
                    cron:
                      tick:
                        schedule: "@every 1m"
                        type: clock.tick
                triggers:
                  orders:
                    inputs:
                      created: {eventSource: app, filter: "type = 'order.created'"}
                    subscribers:
                      - sink: {handler: record}
                        inline: true
                  ticks:
                    inputs:
                      tick: {eventSource: clock, event: tick}
                    subscribers:
                      - name: count
                        sink: {handler: ticked}
                """;
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> ticks = new CopyOnWriteArrayList<>();
        ManualScheduler time = new ManualScheduler(Instant.parse("2026-01-01T00:00:30Z"));
        try (Switchboard sb = Switchboard.builder()
                .configuration(new StringReader(yaml), "switchboard.yaml")
                .handler("record", e -> seen.add(e.getId()))
                .handler("ticked", Sink.handler(e -> ticks.add(e.getType())))
                .scheduler(time)
                .build().start()) {
            // same subject, so one partition: once the second is handled, so was the first
            sb.publish(event("2", "order.cancelled")).toCompletableFuture().join();
            sb.publish(event("1", "order.created")).toCompletableFuture().join();
            time.advance(Duration.ofMinutes(1));
            await().until(() -> !ticks.isEmpty() && !seen.isEmpty());
            assertThat(seen).containsExactly("1");
            assertThat(ticks).first().isEqualTo("clock.tick");
            assertThat(sb.runtime().sources()).containsExactly("clock.tick");
            assertThat(sb.runtime().triggers()).containsExactly("orders", "ticks");
            assertThat(sb.runtime().stats("orders", "record").delivered()).isEqualTo(1);
        }
    }

    @Test
    void environmentVariablesFillValuesWithDefaultsWhenUnset() {
        String yaml = """
                triggers:
                  t:
                    inputs:
                      a: {eventSource: app, filter: "type = '${TYPE:fallback.type}'"}
                    subscribers:
                      - sink: {handler: "${HANDLER}"}
                        inline: true
                """;
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Switchboard sb = Switchboard.builder()
                .configuration(new StringReader(yaml), "env.yaml")
                .environment(Map.of("HANDLER", "h")::get)
                .handler("h", e -> seen.add(e.getType()))
                .build().start()) {
            // same subject, so one partition: once the second is handled, so was the first
            sb.publish(event("2", "other")).toCompletableFuture().join();
            sb.publish(event("1", "fallback.type")).toCompletableFuture().join();
            await().until(() -> !seen.isEmpty());
            assertThat(seen).containsExactly("fallback.type");
        }
    }

    @Test
    void problemsOfTheFileAreReportedTogetherWithTheirPlace() {
        String yaml = """
                triggers:
                  t:
                    inputs:
                      a: {eventSource: app, filter: "type = "}
                    subscribers:
                      - sink: {handler: missing}
                        concurency: 3
                """;
        assertThatThrownBy(() -> Switchboard.builder().configuration(new StringReader(yaml), "bad.yaml").build())
                .isInstanceOfSatisfying(ConfigurationProblems.class, e -> assertThat(e.problems()).hasSize(3))
                .hasMessageContaining("bad.yaml:6:25: no handler named 'missing' is bound")
                .hasMessageContaining("bad.yaml:7:9: unknown key 'concurency' in subscriber 1 of trigger 't'; did you mean 'concurrency'?");
    }

    @Test
    void fileAndBuilderCallsCombine() {
        String yaml = """
                eventSources:
                  clock:
                    eventBus: fast
                    cron:
                      tick: {schedule: "@every 1m"}
                triggers:
                  fromFile:
                    eventBus: fast
                    inputs:
                      tick: {eventSource: clock, event: tick}
                    subscribers:
                      - sink: {handler: fileHandler}
                """;
        List<String> seen = new CopyOnWriteArrayList<>();
        ManualScheduler time = new ManualScheduler(Instant.parse("2026-01-01T00:00:30Z"));
        try (Switchboard sb = Switchboard.builder()
                .bus("fast", io.switchboard.core.bus.InMemoryEventBus.builder().build())
                .configuration(new StringReader(yaml), "switchboard.yaml")
                .handler("fileHandler", e -> seen.add("file " + e.getId()))
                .trigger(io.switchboard.api.Trigger.builder("fromJava").bus("fast")
                        .input("tick", "clock.tick", null)
                        .subscriber("java", null, Sink.handler(e -> seen.add("java " + e.getId())))
                        .build())
                .scheduler(time)
                .build().start()) {
            time.advance(Duration.ofMinutes(1));
            await().until(() -> seen.size() == 2);
            assertThat(seen).containsExactlyInAnyOrder("file clock.tick@2026-01-01T00:01:00Z",
                    "java clock.tick@2026-01-01T00:01:00Z");
        }
    }

    @Test
    void aBusDeclaredInCodeAndInTheFileIsReportedAtTheFile() {
        String yaml = """
                eventBuses:
                  fast:
                    memory: {}
                """;
        assertThatThrownBy(() -> Switchboard.builder()
                .bus("fast", "memory", Map.of())
                .configuration(new StringReader(yaml), "twice.yaml")
                .build())
                .isInstanceOf(ConfigurationProblems.class)
                .hasMessage("1 configuration problem:\n  twice.yaml:2:3: bus 'fast' is also declared with"
                        + " Switchboard.builder().bus(\"fast\", ...); declare each bus once: in the file or in code");
    }

    @Test
    void aReplacementStandsInForABusWhoseModuleIsNotOnTheClassPath() {
        String yaml = """
                eventBuses:
                  orders:
                    kafka: {brokers: "kafka-1:9092"}
                triggers:
                  t:
                    eventBus: orders
                    inputs: {a: {eventSource: app}}
                    subscribers: [{sink: {handler: h}}]
                """;
        List<String> replaced = new CopyOnWriteArrayList<>();
        try (Switchboard sb = Switchboard.builder()
                .configuration(new StringReader(yaml), "switchboard.yaml")
                .handler("h", e -> { })
                .replaceBuses((namespace, type) -> {
                    replaced.add(namespace + ":" + type);
                    return io.switchboard.core.bus.InMemoryEventBus.builder().build();
                })
                .build()) {
            assertThat(replaced).contains("orders:kafka");
            assertThat(sb.runtime().buses()).containsEntry("orders", "memory");
        }
    }

    private static CloudEvent order(String id, String data, String dataschema) {
        CloudEventBuilder b = CloudEventBuilder.v1().withId(id).withType("order.created").withSource(URI.create("/shop"))
                .withSubject("o").withData("application/json", data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return dataschema == null ? b.build() : b.withDataSchema(URI.create(dataschema)).build();
    }

    @Test
    void aFileRoutesOnTheDataAndDeadLettersEventsThatFailTheInputSchemaFileBesideIt(@TempDir Path dir)
            throws java.io.IOException {
        Files.writeString(dir.resolve("order.schema.json"), """
                {"type": "object", "required": ["total", "currency"],
                 "properties": {"total": {"type": "number"}, "currency": {"enum": ["EUR"]}}}
                """);
        Path file = dir.resolve("switchboard.yaml");
        Files.writeString(file, """
                data:
                  filters: true
                triggers:
                  large:
                    inputs:
                      order:
                        eventSource: app
                        filter: "type = 'order.created' AND data.total > 100"
                        schema: {file: order.schema.json}
                    subscribers:
                      - sink: {handler: ship}
                        deadLetterSink: {handler: dead}
                """);
        List<CloudEvent> shipped = new CopyOnWriteArrayList<>();
        List<CloudEvent> dead = new CopyOnWriteArrayList<>();
        // run from elsewhere: the schema is found beside the file, not in the working directory
        try (Switchboard sb = Switchboard.builder()
                .configuration(file)
                .handler("ship", shipped::add)
                .handler("dead", dead::add)
                .build().start()) {
            sb.publish(order("small", "{\"total\": 5, \"currency\": \"EUR\"}", null)).toCompletableFuture().join();
            sb.publish(order("bad", "{\"total\": 500, \"currency\": \"GBP\"}", null)).toCompletableFuture().join();
            sb.publish(order("good", "{\"total\": 500, \"currency\": \"EUR\"}", null)).toCompletableFuture().join();
            await().atMost(Duration.ofSeconds(10)).until(() -> shipped.size() == 1 && dead.size() == 1);
            assertThat(shipped).extracting(CloudEvent::getId).containsExactly("good");
            assertThat(dead).extracting(CloudEvent::getId).containsExactly("bad");
            assertThat(dead.get(0).getExtension("dlreason")).isEqualTo("schemavalidation");
        }
    }

    @Test
    void namedSchemasOfTheFileAreSelectedByTheEventsDataschema() {
        String yaml = """
                schemas:
                  "https://example.com/order.v1.json":
                    json: {type: object, required: [id]}
                triggers:
                  orders:
                    inputs:
                      order: {eventSource: app, filter: "type = 'order.created'", schema: byDataschema}
                    subscribers:
                      - sink: {handler: ship}
                        deadLetterSink: {handler: dead}
                """;
        List<CloudEvent> shipped = new CopyOnWriteArrayList<>();
        List<CloudEvent> dead = new CopyOnWriteArrayList<>();
        try (Switchboard sb = Switchboard.builder()
                .configuration(new StringReader(yaml), "switchboard.yaml")
                .handler("ship", shipped::add)
                .handler("dead", dead::add)
                .build().start()) {
            String v1 = "https://example.com/order.v1.json";
            sb.publish(order("without-id", "{\"total\": 1}", v1)).toCompletableFuture().join();
            sb.publish(order("with-id", "{\"id\": \"o-1\"}", v1)).toCompletableFuture().join();
            await().atMost(Duration.ofSeconds(10)).until(() -> shipped.size() == 1 && dead.size() == 1);
            assertThat(shipped).extracting(CloudEvent::getId).containsExactly("with-id");
            assertThat(dead).extracting(CloudEvent::getId).containsExactly("without-id");
            assertThat(dead.get(0).getExtension("dlreason")).isEqualTo("schemavalidation");
        }
    }

    @Test
    void dataFiltersEnabledInCodeServeTheFilesFilters() {
        String yaml = """
                triggers:
                  large:
                    inputs:
                      order: {eventSource: app, filter: "data.total > 100"}
                    subscribers: [{sink: {handler: ship}}]
                """;
        List<CloudEvent> shipped = new CopyOnWriteArrayList<>();
        try (Switchboard sb = Switchboard.builder()
                .configuration(new StringReader(yaml), "switchboard.yaml")
                .dataFilters()
                .handler("ship", shipped::add)
                .build().start()) {
            sb.publish(order("small", "{\"total\": 5}", null)).toCompletableFuture().join();
            sb.publish(order("large", "{\"total\": 500}", null)).toCompletableFuture().join();
            await().atMost(Duration.ofSeconds(10)).until(() -> shipped.size() == 1);
            assertThat(shipped).extracting(CloudEvent::getId).containsExactly("large");
        }
    }
}
