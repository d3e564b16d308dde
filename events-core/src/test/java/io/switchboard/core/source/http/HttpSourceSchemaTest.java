package io.switchboard.core.source.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.JsonSchema;
import io.switchboard.core.source.support.RecordingSourceContext;
import io.switchboard.core.time.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An HTTP source route with a JSON Schema answers 400 with the violations and publishes nothing for invalid data. */
class HttpSourceSchemaTest {

    static final String ORDER_SCHEMA = """
            {"type": "object", "required": ["total", "currency"],
             "properties": {"total": {"type": "integer", "minimum": 1},
                            "currency": {"type": "string", "enum": ["EUR", "USD"]}}}
            """;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ManualScheduler clock = new ManualScheduler(Instant.parse("2026-05-01T12:00:00Z"));
    private RecordingSourceContext ctx;
    private HttpSource source;

    @AfterEach
    void tearDown() {
        if (source != null) {
            source.close();
        }
    }

    private void start(HttpSource.Builder builder) throws Exception {
        source = builder.port(0).shutdownGrace(Duration.ofSeconds(1)).build();
        ctx = new RecordingSourceContext("orders", clock);
        source.start(ctx);
    }

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(source.baseUri().resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType).header("X-Event-Type", "order.created").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String structured(String id, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/shop\",\"type\":\"order.created\","
                + "\"datacontenttype\":\"application/json\",\"data\":" + data + "}";
    }

    private static List<String> violations(JsonNode problem) {
        List<String> out = new ArrayList<>();
        problem.get("violations").forEach(v -> out.add(v.get("path").asText() + " " + v.get("message").asText()));
        return out;
    }

    @Test
    void theProvidersRouteSchemaKeysCheckTheDataOfTheirRoute(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("order.json");
        java.nio.file.Files.writeString(file, ORDER_SCHEMA);
        source = (HttpSource) new HttpSourceProvider().create("orders", java.util.Map.of("port", "0",
                "shutdown-grace", "1s", "schema./.file", file.toString(), "schema./apis/events.json", "{\"type\": \"array\"}"));
        ctx = new RecordingSourceContext("orders", clock);
        source.start(ctx);

        assertThat(post("/", "application/cloudevents+json", structured("ok", "{\"total\":5,\"currency\":\"EUR\"}"))
                .statusCode()).isEqualTo(202);
        assertThat(post("/", "application/cloudevents+json", structured("bad", "{\"total\":0,\"currency\":\"EUR\"}"))
                .statusCode()).isEqualTo(400);
        // the other route has its own schema: the valid order is not an array
        assertThat(post("/apis/events", "application/cloudevents+json",
                structured("other", "{\"total\":5,\"currency\":\"EUR\"}")).statusCode()).isEqualTo(400);
        assertThat(ctx.emitted()).hasSize(1);
    }

    @Test
    void aRouteSchemaKeyWithoutAFormIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> new HttpSourceProvider().create("orders", java.util.Map.of("schema./.yaml", "x")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'schema./.yaml'")
                .hasMessageContaining("schema.<route>.file");
    }

    @Test
    void validDataIsPublishedAndInvalidDataIsA400ListingTheViolations() throws Exception {
        start(HttpSource.builder("orders").schema("/", JsonSchema.of(ORDER_SCHEMA)));

        assertThat(post("/", "application/cloudevents+json", structured("ok", "{\"total\":5,\"currency\":\"EUR\"}"))
                .statusCode()).isEqualTo(202);
        assertThat(ctx.emitted()).hasSize(1);

        HttpResponse<String> bad = post("/", "application/cloudevents+json",
                structured("bad", "{\"total\":0,\"currency\":\"GBP\"}"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonNode problem = JSON.readTree(bad.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:switchboard:problem:invalid-data");
        assertThat(problem.get("detail").asText()).contains("nothing was published");
        assertThat(violations(problem)).containsExactly(
                "/total must have a minimum value of 1",
                "/currency does not have a value in the enumeration [\"EUR\", \"USD\"]");

        HttpResponse<String> missing = post("/", "application/cloudevents+json", structured("m", "{\"total\":3}"));
        assertThat(violations(JSON.readTree(missing.body()))).containsExactly(" required property 'currency' not found");
        assertThat(ctx.emitted()).hasSize(1);
    }

    @Test
    void oneInvalidEventInABatchPublishesNone() throws Exception {
        start(HttpSource.builder("orders").schema("/", JsonSchema.of(ORDER_SCHEMA)));
        String batch = "[" + structured("a", "{\"total\":5,\"currency\":\"EUR\"}") + ","
                + structured("b", "{\"total\":\"five\",\"currency\":\"EUR\"}") + "]";

        HttpResponse<String> response = post("/", "application/cloudevents-batch+json", batch);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("detail").asText()).contains("event 2 of 2 (id b)");
        assertThat(violations(problem)).containsExactly("/total string found, integer expected");
        assertThat(ctx.emitted()).isEmpty();
    }

    @Test
    void routesWithoutASchemaAreNotChecked() throws Exception {
        start(HttpSource.builder("orders").schema("/apis/events", JsonSchema.of(ORDER_SCHEMA)));

        assertThat(post("/", "application/cloudevents+json", structured("x", "{\"anything\":true}")).statusCode())
                .isEqualTo(202);
        HttpResponse<String> webhook = post("/apis/events", "application/json", "{\"total\":2}");
        assertThat(webhook.statusCode()).isEqualTo(400);
        assertThat(violations(JSON.readTree(webhook.body()))).containsExactly(" required property 'currency' not found");
        assertThat(post("/apis/events", "application/json", "not json").statusCode()).isEqualTo(400);
        assertThat(ctx.emitted()).hasSize(1);
    }

    @Test
    void schemasAreCheckedWhenTheSourceIsBuilt() {
        assertThatThrownBy(() -> HttpSource.builder("s").schema("/events", JsonSchema.of("{}")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("/apis/events");
        assertThatThrownBy(() -> HttpSource.builder("s").schema("/", JsonSchema.of("{}")).schema("/", JsonSchema.of("{}")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("already has a schema");
        assertThatThrownBy(() -> HttpSource.builder("s").schema("/", JsonSchema.of("{\"type\": ")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("route /");
        assertThatThrownBy(() -> HttpSource.builder("s").schema("/", JsonSchema.resource("no/such.json")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not on the classpath");
        assertThatThrownBy(() -> HttpSource.builder("s").schema("/function/orders", JsonSchema.byDataschema()).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("fixed schema");
        assertThat(HttpSource.builder("s").schema("/function/orders", JsonSchema.of("{}")).build()).isNotNull();
    }

    @Test
    void invocationsAreCheckedBeforeTheTriggerRuns() throws Exception {
        start(HttpSource.builder("orders").schema("/function/orders", JsonSchema.of(ORDER_SCHEMA)));
        java.util.concurrent.atomic.AtomicInteger invoked = new java.util.concurrent.atomic.AtomicInteger();
        ctx.onRequest("orders", e -> {
            invoked.incrementAndGet();
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        });

        HttpResponse<String> response = post("/function/orders", "application/json", "{\"total\":1,\"currency\":\"X\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(violations(JSON.readTree(response.body())))
                .containsExactly("/currency does not have a value in the enumeration [\"EUR\", \"USD\"]");
        assertThat(invoked).hasValue(0);
        assertThat(post("/function/orders", "application/json", "{\"total\":1,\"currency\":\"EUR\"}").statusCode())
                .isEqualTo(204);
        assertThat(invoked).hasValue(1);
    }
}
