package io.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.InvalidDataException;
import io.switchboard.api.JsonSchema;
import io.switchboard.api.RequestFailedException;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.api.TriggerInput;
import io.switchboard.core.internal.dispatch.InputFilter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data filters and JSON Schema checks through the runtime: what reaches handlers and what reaches dead letters. */
@org.junit.jupiter.api.Timeout(30)
class EventDataTest {

    static final String ORDER_SCHEMA = """
            {"type": "object", "required": ["total", "currency"],
             "properties": {"total": {"type": "integer", "minimum": 1},
                            "currency": {"type": "string", "enum": ["EUR", "USD"]}}}
            """;

    private static final java.util.concurrent.atomic.AtomicInteger IDS = new java.util.concurrent.atomic.AtomicInteger();

    static CloudEvent order(String json) {
        return order(json, null);
    }

    static CloudEvent order(String json, String dataschema) {
        CloudEventBuilder b = CloudEventBuilder.v1().withId("o" + IDS.incrementAndGet()).withType("order.created")
                .withSource(URI.create("/shop"));
        if (json != null) {
            b.withData("application/json", json.getBytes(StandardCharsets.UTF_8));
        }
        if (dataschema != null) {
            b.withDataSchema(URI.create(dataschema));
        }
        return b.build();
    }

    private static void publish(Switchboard sb, CloudEvent e) {
        sb.publish(e).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    }

    @Test
    void aDataFilterRoutesOnThePayloadWhenEnabled() {
        List<String> big = new CopyOnWriteArrayList<>();
        try (Switchboard sb = Switchboard.builder().dataFilters()
                .trigger(Trigger.builder("big").input("in", "type = 'order.created' AND data.total > 100")
                        .subscriber(Subscriber.builder("h").inline().handler(e -> big.add(e.getId())).build()).build())
                .build().start()) {
            CloudEvent large = order("{\"total\": 150}");
            publish(sb, large);
            publish(sb, order("{\"total\": 50}"));
            publish(sb, order("{\"other\": 1}"));
            publish(sb, order("not json"));
            publish(sb, order(null));
            CloudEvent last = order("{\"total\": 101}");
            publish(sb, last);
            await().atMost(Duration.ofSeconds(10)).until(() -> big.size() == 2);
            assertThat(big).containsExactlyInAnyOrder(large.getId(), last.getId());
        }
    }

    @Test
    void aDataFilterDoesNotCompileUnlessEnabled() {
        assertThatThrownBy(() -> Switchboard.builder()
                .trigger(Trigger.builder("big").input("in", "data.total > 100")
                        .subscriber("h", null, Sink.handler(e -> { })).build())
                .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Switchboard.builder().dataFilters()");
    }

    @Test
    void dataFiltersAreStillIndexedByType() {
        InputFilter filter = Filters.compile("type = 'order.created' AND data.total > 100",
                new io.switchboard.core.internal.data.DataSupport(true, -1, -1, null, java.util.Map.of(),
                        new java.util.ArrayList<>()).filters());
        assertThat(filter.typeKey()).isEqualTo("order.created");
        assertThat(filter.predicate()).isNotNull();
    }

    @Test
    void invalidDataNeverReachesTheHandlerAndIsDeadLetteredWithTheViolations() {
        List<CloudEvent> handled = new CopyOnWriteArrayList<>();
        List<CloudEvent> dead = new CopyOnWriteArrayList<>();
        try (Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("orders").input("in", "type = 'order.created'")
                        .inputSchema("in", JsonSchema.of(ORDER_SCHEMA))
                        .subscriber(Subscriber.builder("h").handler(handled::add).deadLetter(Sink.handler(dead::add))
                                .build()).build())
                .build().start()) {
            CloudEvent valid = order("{\"total\": 5, \"currency\": \"EUR\"}");
            CloudEvent invalid = order("{\"total\": 0, \"currency\": \"GBP\"}");
            publish(sb, valid);
            publish(sb, invalid);
            await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1 && dead.size() == 1);
            assertThat(handled).extracting(CloudEvent::getId).containsExactly(valid.getId());
            CloudEvent letter = dead.get(0);
            assertThat(letter.getId()).isEqualTo(invalid.getId());
            assertThat(letter.getExtension("dlreason")).isEqualTo("schemavalidation");
            assertThat(letter.getExtension("dlattempts")).isEqualTo(0);
            assertThat(letter.getExtension("dlinput")).isEqualTo("in");
            assertThat(letter.getExtension("dlerrortype")).isEqualTo(InvalidDataException.class.getName());
            assertThat(letter.getExtension("dlerror")).isEqualTo("data does not match its JSON Schema: "
                    + "/total: must have a minimum value of 1; "
                    + "/currency: does not have a value in the enumeration [\"EUR\", \"USD\"]");
            assertThat(letter.getData().toBytes()).isEqualTo(invalid.getData().toBytes());
            await().atMost(Duration.ofSeconds(5)).until(() -> sb.runtime().stats("orders", "h").deadLettered() == 1);
        }
    }

    @Test
    void unreadableOrAbsentDataFailsTheSchemaWithAReason() {
        List<CloudEvent> dead = new CopyOnWriteArrayList<>();
        try (Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("orders").input("in", null).inputSchema("in", JsonSchema.of(ORDER_SCHEMA))
                        .subscriber(Subscriber.builder("h").inline().handler(e -> { })
                                .deadLetter(Sink.handler(dead::add)).build()).build())
                .build().start()) {
            publish(sb, order("{oops"));
            publish(sb, order(null));
            publish(sb, order("[" .repeat(200) + "]".repeat(200)));
            await().atMost(Duration.ofSeconds(10)).until(() -> dead.size() == 3);
            List<String> errors = dead.stream().map(e -> (String) e.getExtension("dlerror")).toList();
            assertThat(errors).anySatisfy(e -> assertThat(e).startsWith(
                    "data does not match its JSON Schema: the data is not JSON: Unexpected character ('o'"));
            assertThat(errors).contains("data does not match its JSON Schema: the event has no data");
            assertThat(errors).anySatisfy(e -> assertThat(e).startsWith(
                    "data does not match its JSON Schema: the data nests deeper than 64 levels"));
        }
    }

    @Test
    void manyViolationsAreBoundedInNumberAndLength() {
        StringBuilder props = new StringBuilder();
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            props.append(i == 0 ? "" : ",").append("\"p").append(i).append("\": {\"type\": \"integer\"}");
            data.append(i == 0 ? "" : ",").append("\"p").append(i).append("\": \"").append("x".repeat(500)).append('"');
        }
        List<CloudEvent> dead = new CopyOnWriteArrayList<>();
        try (Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("t").input("in", null)
                        .inputSchema("in", JsonSchema.of("{\"properties\": {" + props + "}}"))
                        .subscriber(Subscriber.builder("h").inline().handler(e -> { })
                                .deadLetter(Sink.handler(dead::add)).build()).build())
                .build().start()) {
            publish(sb, order("{" + data + "}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> dead.size() == 1);
            String error = (String) dead.get(0).getExtension("dlerror");
            assertThat(error).endsWith("(and 20 more)");
            assertThat(error.split("; ")).hasSize(10);
            assertThat(error.length()).isLessThanOrEqualTo(1000);
        }
    }

    @Test
    void aDraft07SchemaFromAFileOrAResourceIsHonoured(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("order.json");
        try (var in = getClass().getClassLoader().getResourceAsStream("schemas/order.v1.json")) {
            Files.write(file, in.readAllBytes());
        }
        for (JsonSchema schema : List.of(JsonSchema.file(file), JsonSchema.resource("schemas/order.v1.json"))) {
            List<CloudEvent> handled = new CopyOnWriteArrayList<>();
            List<CloudEvent> dead = new CopyOnWriteArrayList<>();
            try (Switchboard sb = Switchboard.builder()
                    .trigger(Trigger.builder("t").input(TriggerInput.of("in", null).withSchema(schema))
                            .subscriber(Subscriber.builder("h").inline().handler(handled::add)
                                    .deadLetter(Sink.handler(dead::add)).build()).build())
                    .build().start()) {
                publish(sb, order("{\"total\": 3, \"currency\": \"USD\", \"lines\": [{\"sku\": \"a\"}]}"));
                publish(sb, order("{\"total\": 3, \"currency\": \"USD\", \"lines\": [{\"qty\": 1}]}"));
                await().atMost(Duration.ofSeconds(10)).until(() -> dead.size() == 1);
                assertThat(handled).hasSize(1);
                assertThat(dead.get(0).getExtension("dlerror")).isEqualTo("data does not match its JSON Schema: "
                        + "/lines/0: required property 'sku' not found");
            }
        }
    }

    @Test
    void theDataschemaAttributeSelectsARegisteredSchema() {
        List<CloudEvent> handled = new CopyOnWriteArrayList<>();
        List<CloudEvent> dead = new CopyOnWriteArrayList<>();
        try (Switchboard sb = Switchboard.builder()
                .schema("https://example.com/order.v1", JsonSchema.of(ORDER_SCHEMA))
                .schema("https://example.com/refund.v1", JsonSchema.of("{\"required\": [\"reason\"]}"))
                .trigger(Trigger.builder("t").input("in", null).inputSchema("in", JsonSchema.byDataschema())
                        .subscriber(Subscriber.builder("h").inline().handler(handled::add)
                                .deadLetter(Sink.handler(dead::add)).build()).build())
                .build().start()) {
            publish(sb, order("{\"total\": 3, \"currency\": \"USD\"}", "https://example.com/order.v1"));
            publish(sb, order("{\"reason\": \"late\"}", "https://example.com/refund.v1"));
            publish(sb, order("{\"total\": 3, \"currency\": \"USD\"}", "https://example.com/refund.v1"));
            publish(sb, order("{\"total\": 3, \"currency\": \"USD\"}", "https://example.com/unknown"));
            publish(sb, order("{\"total\": 3, \"currency\": \"USD\"}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> dead.size() == 3);
            assertThat(handled).hasSize(2);
            assertThat(dead).extracting(e -> (String) e.getExtension("dlerror")).containsExactlyInAnyOrder(
                    "data does not match its JSON Schema: required property 'reason' not found",
                    "data does not match its JSON Schema: dataschema https://example.com/unknown is not one of the 2"
                            + " registered schemas",
                    "data does not match its JSON Schema: the event has no dataschema attribute to select its schema by");
        }
    }

    @Test
    void aRequestWithInvalidDataFailsWithoutRunningTheHandler() {
        List<CloudEvent> handled = new CopyOnWriteArrayList<>();
        try (Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("t").input("in", null).inputSchema("in", JsonSchema.of(ORDER_SCHEMA))
                        .subscriber("h", null, Sink.replying(e -> {
                            handled.add(e);
                            return e;
                        })).build())
                .build().start()) {
            assertThatThrownBy(() -> sb.request(order("{\"total\": 3}"), Duration.ofSeconds(5)).toCompletableFuture()
                    .join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOfSatisfying(RequestFailedException.class, e -> {
                        assertThat(e.reason()).isEqualTo(RequestFailedException.Reason.INVALID_DATA);
                        assertThat(((InvalidDataException) e.getCause()).violations())
                                .containsExactly(new InvalidDataException.Violation("",
                                        "required property 'currency' not found"));
                    });
            assertThat(handled).isEmpty();
            assertThat(sb.request(order("{\"total\": 3, \"currency\": \"EUR\"}"), Duration.ofSeconds(5))
                    .toCompletableFuture().join()).isNotNull();
        }
    }

    @Test
    void schemaMistakesFailTheBuildWithWhatToFix() {
        assertThatThrownBy(() -> Switchboard.builder()
                .trigger(Trigger.builder("t").input("in", null).inputSchema("in", JsonSchema.of("{\"type\": "))
                        .subscriber("h", null, Sink.handler(e -> { })).build())
                .trigger(Trigger.builder("u").input("in", null).inputSchema("in", JsonSchema.resource("no/such.json"))
                        .subscriber("h", null, Sink.handler(e -> { })).build())
                .trigger(Trigger.builder("v").input("in", null).inputSchema("in", JsonSchema.byDataschema())
                        .subscriber("h", null, Sink.handler(e -> { })).build())
                .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("3 configuration problems")
                .hasMessageContaining("trigger 't' input 'in': JsonSchema[text, 9 chars] is not a valid JSON Schema")
                .hasMessageContaining("no/such.json is not on the classpath")
                .hasMessageContaining("Switchboard.builder().schema(uri, schema)");
        assertThatThrownBy(() -> Switchboard.builder()
                .trigger(Trigger.builder("t").input("in", null)
                        .inputSchema("in", JsonSchema.of("{\"$ref\": \"http://127.0.0.1:9/never.json\"}"))
                        .subscriber("h", null, Sink.handler(e -> { })).build())
                .build())
                .as("a $ref that cannot be resolved fails the build, not the first event")
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("trigger 't' input 'in'");
        assertThatThrownBy(() -> Trigger.builder("t").input("in", null).inputSchema("other", JsonSchema.of("{}")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("no input named 'other'");
        assertThatThrownBy(() -> Trigger.builder("t").input("in", null).inputSchema("in", JsonSchema.of("{}"))
                .inputSchema("in", JsonSchema.of("{}")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("already has a schema");
    }
}
