package io.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.api.JsonSchema;
import io.switchboard.api.Sink;
import io.switchboard.api.Trigger;
import io.switchboard.core.source.http.HttpSource;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Through HTTP, end to end: a function whose trigger input has a JSON Schema and whose handler is typed. Invalid data
 * is answered 400 with the violations and never reaches the handler; valid data gets the typed reply as JSON.
 */
@org.junit.jupiter.api.Timeout(60)
class HttpInvocationDataTest {

    public record Order(int total, String currency) {
    }

    public record Quote(int amount, String currency) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFunctionWithASchemaAndATypedHandler() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpSource http = HttpSource.builder("api").port(0).requestTimeout(Duration.ofSeconds(10)).build();
        try (Switchboard sb = Switchboard.builder()
                .source(http)
                .trigger(Trigger.builder("quote").input("call", "api", null)
                        .inputSchema("call", JsonSchema.of(EventDataTest.ORDER_SCHEMA))
                        .subscriber("q", null, Sink.replying(Order.class, "order.quoted", (event, order) -> {
                            calls.incrementAndGet();
                            return new Quote(order.total() * 2, order.currency());
                        }))
                        .build())
                .build().start()) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

            HttpResponse<String> invalid = client.send(HttpRequest.newBuilder(http.baseUri().resolve("/function/quote"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"total\": 0, \"currency\": \"EUR\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(invalid.statusCode()).as(invalid.body()).isEqualTo(400);
            JsonNode problem = JSON.readTree(invalid.body());
            assertThat(problem.get("type").asText()).isEqualTo("urn:switchboard:problem:invalid-data");
            assertThat(problem.get("violations").get(0).get("path").asText()).isEqualTo("/total");
            assertThat(problem.get("violations").get(0).get("message").asText()).isEqualTo("must have a minimum value of 1");
            assertThat(calls).hasValue(0);

            HttpResponse<String> valid = client.send(HttpRequest.newBuilder(http.baseUri().resolve("/function/quote"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"total\": 21, \"currency\": \"EUR\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(valid.statusCode()).as(valid.body()).isEqualTo(200);
            assertThat(valid.headers().firstValue("ce-type")).contains("order.quoted");
            assertThat(JSON.readValue(valid.body(), Quote.class)).isEqualTo(new Quote(42, "EUR"));
            assertThat(calls).hasValue(1);
        }
    }
}
