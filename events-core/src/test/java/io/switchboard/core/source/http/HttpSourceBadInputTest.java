package io.switchboard.core.source.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.switchboard.core.source.support.RecordingSourceContext;
import io.switchboard.core.time.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the HTTP source does with input that is wrong, hostile or slow: a 400-class answer that says why, never a 500. */
class HttpSourceBadInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STRUCTURED = "application/cloudevents+json";
    private static final String BATCH = "application/cloudevents-batch+json";

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

    private void start(UnaryOperator<HttpSource.Builder> config) throws Exception {
        source = config.apply(HttpSource.builder("bad-input").port(0).shutdownGrace(Duration.ofSeconds(1))).build();
        ctx = new RecordingSourceContext("bad-input", clock);
        source.start(ctx);
    }

    private HttpResponse<String> post(String path, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(source.baseUri().resolve(path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Map<String, String> headers, String body) throws Exception {
        return post(path, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> structured(String json) throws Exception {
        return post("/", Map.of("Content-Type", STRUCTURED), json);
    }

    private static JsonNode problem(HttpResponse<String> response, int status, String... detailContains) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonNode p = JSON.readTree(response.body());
        assertThat(p.get("status").asInt()).isEqualTo(status);
        for (String part : detailContains) {
            assertThat(p.get("detail").asText()).containsIgnoringCase(part);
        }
        return p;
    }

    private static String event(String extraJson) {
        return "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/shop\",\"type\":\"t\"" + extraJson + "}";
    }

    private static Map<String, String> binary(String... extra) {
        Map<String, String> h = new LinkedHashMap<>(Map.of("ce-specversion", "1.0", "ce-id", "b-1", "ce-source", "/shop",
                "ce-type", "t"));
        for (int i = 0; i < extra.length; i += 2) {
            h.put(extra[i], extra[i + 1]);
        }
        return h;
    }

    @Test
    void structuredEventsWithWronglyTypedAttributesAre400() throws Exception {
        start(b -> b);

        problem(structured("{\"specversion\":\"1.0\",\"id\":5,\"source\":\"/shop\",\"type\":\"t\"}"), 400, "id");
        problem(structured("{\"specversion\":1.0,\"id\":\"1\",\"source\":\"/shop\",\"type\":\"t\"}"), 400);
        problem(structured("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":[\"/shop\"],\"type\":\"t\"}"), 400);
        problem(structured("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/shop\",\"type\":{\"a\":1}}"), 400);
        problem(structured(event(",\"subject\":true")), 400, "subject");
        problem(structured(event(",\"datacontenttype\":7")), 400);
        problem(structured("[" + event("") + "]"), 400);
        problem(structured("\"just a string\""), 400);
        assertThat(ctx.emitted()).isEmpty();
    }

    @Test
    void aTimeThatIsNotRfc3339Is400() throws Exception {
        start(b -> b);

        problem(structured(event(",\"time\":\"yesterday\"")), 400, "time");
        problem(structured(event(",\"time\":1714567890")), 400, "time");
        problem(structured(event(",\"time\":\"2026-02-30T10:00:00Z\"")), 400, "time");
        problem(post("/", binary("ce-time", "10 o'clock"), "x"), 400, "time");
        assertThat(ctx.emitted()).isEmpty();

        assertThat(structured(event(",\"time\":\"2026-05-01T10:00:00.123+02:00\"")).statusCode()).isEqualTo(202);
    }

    @Test
    void anEmptySourceIs400() throws Exception {
        start(b -> b);

        problem(structured("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"\",\"type\":\"t\"}"), 400, "source");
        problem(post("/", binary("ce-source", ""), "x"), 400, "source");
        problem(structured("{\"specversion\":\"1.0\",\"id\":\"\",\"source\":\"/s\",\"type\":\"t\"}"), 400, "id");
        problem(structured("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"\"}"), 400, "type");
        problem(structured("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"not a uri\",\"type\":\"t\"}"), 400, "source");
        assertThat(ctx.emitted()).isEmpty();
    }

    @Test
    void invalidExtensionNamesAre400() throws Exception {
        start(b -> b);

        problem(structured(event(",\"Tenant\":\"acme\"")), 400, "Tenant");
        problem(structured(event(",\"tenant-id\":\"acme\"")), 400, "tenant-id");
        problem(structured(event(",\"ténant\":\"acme\"")), 400);
        problem(post("/", binary("ce-tenant_id", "acme"), "x"), 400, "tenant_id");
        assertThat(ctx.emitted()).isEmpty();

        assertThat(structured(event(",\"tenant2\":\"acme\"")).statusCode()).isEqualTo(202);
    }

    @Test
    void badDataBase64Is400() throws Exception {
        start(b -> b);

        problem(structured(event(",\"data_base64\":\"not*base64!\"")), 400, "data_base64");
        problem(structured(event(",\"data_base64\":42")), 400);
        problem(structured(event(",\"data\":\"x\",\"data_base64\":\"eA==\"")), 400);
        assertThat(ctx.emitted()).isEmpty();

        assertThat(structured(event(",\"data_base64\":\"aGVsbG8=\"")).statusCode()).isEqualTo(202);
        assertThat(ctx.emitted().get(0).getData().toBytes()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void percentEncodedBinaryHeadersAreDecoded() throws Exception {
        start(b -> b);

        assertThat(post("/", binary("ce-subject", "h%C3%A9llo%20w%25rld", "ce-tenant", "a%22b"), "x").statusCode())
                .isEqualTo(202);

        CloudEvent e = ctx.emitted().get(0);
        assertThat(e.getSubject()).isEqualTo("héllo w%rld");
        assertThat(e.getExtension("tenant")).isEqualTo("a\"b");
        problem(post("/", binary("ce-subject", "bad%zz"), "x"), 400, "ce-subject");
    }

    @Test
    void replyAttributesOutsidePrintableAsciiArePercentEncoded() throws Exception {
        start(b -> b);
        ctx.onRequest("greet", e -> java.util.concurrent.CompletableFuture.completedFuture(
                io.cloudevents.core.builder.CloudEventBuilder.v1().withId("r-1").withSource(java.net.URI.create("/greeter"))
                        .withType("greeting").withSubject("héllo \"wörld\" 100%").build()));

        HttpResponse<String> reply = post("/function/greet", Map.of(), "x");

        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.headers().firstValue("ce-subject")).contains("h%C3%A9llo%20%22w%C3%B6rld%22%20100%25");
    }

    @Test
    void emptyBatchesAndBatchesAboveTheLimitAreRefused() throws Exception {
        start(b -> b.maxBatchEvents(2));

        problem(post("/", Map.of("Content-Type", BATCH), "[]"), 400, "no event");
        problem(post("/", Map.of("Content-Type", BATCH), "[" + event("") + "," + event("") + "," + event("") + "]"), 413, "limit of 2");
        problem(post("/", Map.of("Content-Type", BATCH), ""), 400);
        assertThat(ctx.emitted()).isEmpty();

        assertThat(post("/", Map.of("Content-Type", BATCH), "[" + event("") + "," + event("") + "]").statusCode()).isEqualTo(202);
        assertThat(ctx.emitted()).hasSize(2);
    }

    @Test
    void deeplyNestedJsonIs400NotAStackOverflow() throws Exception {
        start(b -> b.maxBodySize(4 << 20));
        String deep = "[".repeat(200_000) + "]".repeat(200_000);

        problem(structured(event(",\"data\":" + deep)), 400);
        problem(post("/", Map.of("Content-Type", BATCH), deep), 400);
        assertThat(ctx.emitted()).isEmpty();
        // the server is still healthy afterwards
        assertThat(structured(event(",\"data\":" + "[".repeat(50) + "]".repeat(50))).statusCode()).isEqualTo(202);
    }

    @Test
    void invalidUtf8InJsonIs400() throws Exception {
        start(b -> b);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(event(",\"subject\":\"").getBytes(StandardCharsets.UTF_8), 0, event(",\"subject\":\"").length() - 1);
        body.write(new byte[] {(byte) 0xC3, (byte) 0x28}); // a broken two-byte sequence
        body.write("\"}".getBytes(StandardCharsets.UTF_8));

        problem(post("/", Map.of("Content-Type", STRUCTURED), body.toByteArray()), 400);
        byte[] batch = ("[" + event(",\"subject\":\"\u00ff\"") + "]").getBytes(StandardCharsets.ISO_8859_1);
        problem(post("/", Map.of("Content-Type", BATCH), batch), 400);
        assertThat(ctx.emitted()).isEmpty();
    }

    @Test
    void aClientThatStopsSendingItsBodyIsDisconnectedAfterTheReadTimeout() throws Exception {
        start(b -> b.readTimeout(Duration.ofSeconds(20)));
        try (Socket slow = new Socket("127.0.0.1", source.port())) {
            slow.setSoTimeout(30_000);
            OutputStream out = slow.getOutputStream();
            out.write(("POST /apis/events HTTP/1.1\r\nHost: x\r\nX-Event-Type: t\r\nContent-Length: 100\r\n\r\n0123456789")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // the body read is under way (the watchdog is armed) before the clock moves
            await().atMost(Duration.ofSeconds(10)).until(() -> clock.pendingTasks() == 1);

            clock.advance(Duration.ofSeconds(20));

            InputStream in = slow.getInputStream();
            assertThat(in.read()).as("the server closed the connection").isEqualTo(-1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> source.stats().responses(408) == 1);
        assertThat(ctx.emitted()).isEmpty();
        // a prompt client is unaffected
        assertThat(post("/apis/events", Map.of("X-Event-Type", "t"), "ok").statusCode()).isEqualTo(202);
    }
}
