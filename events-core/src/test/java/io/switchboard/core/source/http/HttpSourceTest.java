package io.switchboard.core.source.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.switchboard.api.PublishRejectedException;
import io.switchboard.api.RequestFailedException;
import io.switchboard.api.RequestFailedException.Reason;
import io.switchboard.core.source.support.RecordingSourceContext;
import io.switchboard.core.time.ManualScheduler;
import io.switchboard.core.time.Schedulers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class HttpSourceTest {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOOPBACK_ANY_PORT = "http://127.0.0.1:*";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ManualScheduler clock = new ManualScheduler(NOW);
    private RecordingSourceContext ctx;
    private HttpSource source;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private HttpSource start(UnaryOperator<HttpSource.Builder> config) throws Exception {
        return start(config, clock);
    }

    private HttpSource start(UnaryOperator<HttpSource.Builder> config, io.switchboard.api.Scheduler scheduler) throws Exception {
        source = config.apply(HttpSource.builder("webhooks").port(0).shutdownGrace(Duration.ofSeconds(2))).build();
        ctx = new RecordingSourceContext("webhooks", scheduler);
        source.start(ctx);
        toClose.add(source);
        return source;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(source.baseUri().resolve(path)).timeout(Duration.ofSeconds(10));
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    private HttpResponse<String> post(String path, Map<String, String> headers, String body) throws Exception {
        return post(path, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode problem(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonNode p = JSON.readTree(response.body());
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("type").asText()).startsWith("urn:switchboard:problem:");
        assertThat(p.get("title").asText()).isNotBlank();
        assertThat(p.get("detail").asText()).isNotBlank();
        return p;
    }

    private static CloudEvent fullEvent(String id) {
        return CloudEventBuilder.v1()
                .withId(id)
                .withSource(URI.create("https://shop.example/orders"))
                .withType("com.example.order.created")
                .withSubject("order-42")
                .withTime(OffsetDateTime.parse("2026-04-30T10:15:30.123Z"))
                .withDataSchema(URI.create("https://shop.example/schemas/order.json"))
                .withDataContentType("application/json")
                .withExtension("tenant", "acme")
                .withExtension("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .withData("{\"order\":42,\"total\":\"9.99\"}".getBytes(StandardCharsets.UTF_8))
                .build();
    }

    /** Writes an event with the SDK's HTTP binding, as any CloudEvents producer would. */
    private HttpRequest sdkRequest(String path, CloudEvent event, boolean structured) {
        Map<String, String> headers = new LinkedHashMap<>();
        byte[][] body = new byte[1][];
        var writer = HttpMessageFactory.createWriter(headers::put, bytes -> body[0] = bytes);
        if (structured) {
            writer.writeStructured(event, new JsonFormat());
        } else {
            writer.writeBinary(event);
        }
        HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body[0] == null ? new byte[0] : body[0]));
        headers.forEach(b::header);
        return b.build();
    }

    // --- CloudEvents HTTP binding -------------------------------------------------------------------------------

    @Test
    void binaryModeEventWrittenByTheSdkArrivesIntact() throws Exception {
        start(b -> b);
        CloudEvent sent = fullEvent("bin-1");

        HttpResponse<String> response = send(sdkRequest("/", sent, false));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("X-Event-Id")).contains("bin-1");
        assertThat(ctx.emitted()).containsExactly(sent);
    }

    @Test
    void structuredModeEventWrittenByTheSdkArrivesIntactWithTypedExtensions() throws Exception {
        start(b -> b);
        CloudEvent sent = CloudEventBuilder.v1(fullEvent("str-1"))
                .withExtension("priority", 7)
                .withExtension("urgent", true)
                .build();

        HttpResponse<String> response = send(sdkRequest("/", sent, true));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(ctx.emitted()).containsExactly(sent);
        assertThat(ctx.emitted().get(0).getExtension("priority")).isEqualTo(7);
    }

    @Test
    void batchedModeEmitsEveryEventOfTheBatch() throws Exception {
        start(b -> b);
        JsonFormat format = new JsonFormat();
        List<CloudEvent> events = List.of(fullEvent("b-1"), fullEvent("b-2"), fullEvent("b-3"));
        String batch = "[" + String.join(",", events.stream()
                .map(e -> new String(format.serialize(e), StandardCharsets.UTF_8)).toList()) + "]";

        HttpResponse<String> response = post("/", Map.of("Content-Type", "application/cloudevents-batch+json"), batch);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("X-Event-Count")).contains("3");
        assertThat(ctx.emitted()).containsExactlyElementsOf(events);
        assertThat(source.stats().acceptedEvents()).isEqualTo(3);
    }

    @Test
    void answers202OnlyAfterTheBusAcceptedTheEvent() throws Exception {
        start(b -> b);
        CompletableFuture<Void> accept = new CompletableFuture<>();
        CompletableFuture<Void> emitCalled = new CompletableFuture<>();
        ctx.acceptWith(e -> {
            emitCalled.complete(null);
            return accept;
        });

        CompletableFuture<HttpResponse<String>> response =
                client.sendAsync(sdkRequest("/", fullEvent("slow"), false), HttpResponse.BodyHandlers.ofString());
        emitCalled.get(10, TimeUnit.SECONDS);
        assertThat(response).isNotDone();

        accept.complete(null);
        assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
    }

    @Test
    void malformedEventsAre400ProblemsSayingWhatIsWrong() throws Exception {
        start(b -> b);

        JsonNode missingId = problem(post("/", Map.of("ce-specversion", "1.0", "ce-type", "t", "ce-source", "/s"), "x"), 400);
        assertThat(missingId.get("detail").asText()).contains("ce-*").containsIgnoringCase("id");

        JsonNode badSpec = problem(post("/", Map.of("ce-specversion", "9.9", "ce-id", "1", "ce-type", "t",
                "ce-source", "/s"), "x"), 400);
        assertThat(badSpec.get("detail").asText()).contains("9.9");

        JsonNode badJson = problem(post("/", Map.of("Content-Type", "application/cloudevents+json"), "{\"id\":"), 400);
        assertThat(badJson.get("detail").asText()).contains("application/cloudevents+json");

        JsonNode notArray = problem(post("/", Map.of("Content-Type", "application/cloudevents-batch+json"), "{}"), 400);
        assertThat(notArray.get("detail").asText()).contains("JSON array");

        JsonNode badElement = problem(post("/", Map.of("Content-Type", "application/cloudevents-batch+json"),
                "[{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"t\",\"source\":\"/s\"},{\"specversion\":\"1.0\"}]"), 400);
        assertThat(badElement.get("detail").asText()).contains("event 1 of the batch");

        assertThat(ctx.emitted()).isEmpty();
        assertThat(source.stats().rejectedByStatus()).containsEntry(400, 5L);
    }

    @Test
    void unsupportedContentIs415() throws Exception {
        start(b -> b);

        JsonNode plain = problem(post("/", Map.of("Content-Type", "text/plain"), "hello"), 415);
        assertThat(plain.get("detail").asText()).contains("/apis/events");
        problem(post("/", Map.of("Content-Type", "application/cloudevents+xml"), "<e/>"), 415);
        problem(post("/function/t", Map.of("Content-Type", "application/cloudevents-batch+json"), "[]"), 415);
    }

    @Test
    void bodiesAboveTheLimitAre413WhetherDeclaredOrStreamed() throws Exception {
        start(b -> b.maxBodySize(1024));
        byte[] big = new byte[4096];

        problem(post("/apis/events", Map.of("X-Event-Type", "t"), big), 413);
        HttpRequest chunked = request("/apis/events").header("X-Event-Type", "t")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();
        problem(send(chunked), 413);
        assertThat(post("/apis/events", Map.of("X-Event-Type", "t"), new byte[1024]).statusCode()).isEqualTo(202);
        assertThat(ctx.emitted()).hasSize(1);
    }

    @Test
    void backPressureIs503WithRetryAfter() throws Exception {
        start(b -> b.retryAfter(Duration.ofSeconds(3)));
        ctx.rejectAll();

        HttpResponse<String> response = send(sdkRequest("/", fullEvent("bp"), false));

        JsonNode p = problem(response, 503);
        assertThat(response.headers().firstValue("Retry-After")).contains("3");
        assertThat(p.get("detail").asText()).contains("refused");
        assertThat(source.stats().acceptedEvents()).isZero();
    }

    @Test
    void unknownPathsAre404AndWrongMethods405() throws Exception {
        start(b -> b);

        problem(send(request("/nope").GET().build()), 404);
        HttpResponse<String> get = send(request("/apis/events").GET().build());
        problem(get, 405);
        assertThat(get.headers().firstValue("Allow")).contains("POST");
        problem(send(request("/healthz").POST(HttpRequest.BodyPublishers.noBody()).build()), 405);
        problem(post("/function/bad%20name", Map.of(), "x"), 404);
    }

    // --- plain webhook ------------------------------------------------------------------------------------------

    @Test
    void plainWebhookTurnsHeadersIntoAttributesAndTheBodyIntoData() throws Exception {
        start(b -> b);

        HttpResponse<String> response = post("/apis/events", Map.of(
                "X-Event-Type", "com.github.push",
                "X-Event-Source", "https://github.com/acme/repo",
                "X-Event-Subject", "main",
                "X-Event-Webhook-Url", "https://hooks.example/cb",
                "Content-Type", "application/json"), "{\"ref\":\"main\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        CloudEvent e = ctx.emitted().get(0);
        assertThat(response.headers().firstValue("X-Event-Id")).contains(e.getId());
        assertThat(e.getType()).isEqualTo("com.github.push");
        assertThat(e.getSource()).isEqualTo(URI.create("https://github.com/acme/repo"));
        assertThat(e.getSubject()).isEqualTo("main");
        assertThat(e.getExtension("webhookurl")).isEqualTo("https://hooks.example/cb");
        assertThat(e.getDataContentType()).isEqualTo("application/json");
        assertThat(new String(e.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"ref\":\"main\"}");
        assertThat(e.getTime().toInstant()).isEqualTo(NOW);
    }

    @Test
    void plainWebhookDefaultsAndRequiredType() throws Exception {
        start(b -> b);

        assertThat(post("/apis/events", Map.of("X-Event-Type", "ping", "X-Event-Id", "p-1"), "").statusCode()).isEqualTo(202);
        CloudEvent e = ctx.emitted().get(0);
        assertThat(e.getId()).isEqualTo("p-1");
        assertThat(e.getSource()).isEqualTo(URI.create("urn:switchboard:http:webhooks"));
        assertThat(e.getData()).isNull();

        JsonNode p = problem(post("/apis/events", Map.of("Content-Type", "application/json"), "{}"), 400);
        assertThat(p.get("detail").asText()).contains("X-Event-Type");
        problem(post("/apis/events", Map.of("X-Event-Type", "t", "X-Event-Webhook-Url", "ftp://x"), "{}"), 400);
    }

    // --- authentication -----------------------------------------------------------------------------------------

    @Test
    void bearerTokenIsRequiredWhenConfigured() throws Exception {
        start(b -> b.bearerToken("s3cret"));

        HttpResponse<String> missing = post("/apis/events", Map.of("X-Event-Type", "t"), "x");
        problem(missing, 401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        problem(post("/apis/events", Map.of("X-Event-Type", "t", "Authorization", "Bearer wrong"), "x"), 401);
        assertThat(post("/apis/events", Map.of("X-Event-Type", "t", "Authorization", "Bearer s3cret"), "x").statusCode())
                .isEqualTo(202);
        assertThat(send(request("/healthz").GET().build()).statusCode()).isEqualTo(200); // probes need no token
        assertThat(ctx.emitted()).hasSize(1);
    }

    @Test
    void hmacSignatureOverTheBodyIsRequiredWhenConfigured() throws Exception {
        start(b -> b.hmacSha256("key"));
        String body = "{\"amount\":10}";
        String signature = "sha256=" + hmac("key", body);

        assertThat(post("/apis/events", Map.of("X-Event-Type", "t", "X-Signature-256", signature), body).statusCode())
                .isEqualTo(202);
        problem(post("/apis/events", Map.of("X-Event-Type", "t", "X-Signature-256", signature), body + " "), 401);
        problem(post("/apis/events", Map.of("X-Event-Type", "t", "X-Signature-256", "sha256=zz"), body), 401);
        problem(post("/apis/events", Map.of("X-Event-Type", "t"), body), 401);
        assertThat(ctx.emitted()).hasSize(1);
    }

    private static String hmac(String key, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    // --- health, lifecycle, counters ----------------------------------------------------------------------------

    @Test
    void healthAndReadinessFollowTheLifecycle() throws Exception {
        HttpSource s = HttpSource.builder("h").port(0).build();
        assertThat(s.isReady()).isFalse();
        assertThatThrownBy(s::port).isInstanceOf(IllegalStateException.class).hasMessageContaining("after start");
        source = s;
        ctx = new RecordingSourceContext("h", clock);
        s.start(ctx);
        toClose.add(s);

        assertThat(s.port()).isPositive();
        assertThat(s.isReady()).isTrue();
        assertThat(send(request("/healthz").GET().build()).statusCode()).isEqualTo(200);
        HttpResponse<String> ready = send(request("/readyz").GET().build());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ok\n");

        s.close();
        s.close();
        assertThat(s.isReady()).isFalse();
    }

    @Test
    void closingTurnsReadinessOffRefusesNewEventsAndLetsInFlightRequestsFinish() throws Exception {
        start(b -> b.shutdownGrace(Duration.ofSeconds(30)));
        CompletableFuture<Void> accept = new CompletableFuture<>();
        CompletableFuture<Void> emitCalled = new CompletableFuture<>();
        ctx.acceptWith(e -> {
            emitCalled.complete(null);
            return accept;
        });
        CompletableFuture<HttpResponse<String>> inFlight =
                client.sendAsync(sdkRequest("/", fullEvent("last"), false), HttpResponse.BodyHandlers.ofString());
        emitCalled.get(10, TimeUnit.SECONDS);

        CompletableFuture<Void> closed = CompletableFuture.runAsync(source::close);
        await().atMost(Duration.ofSeconds(10)).until(() -> !source.isReady());
        assertThat(send(request("/readyz").GET().build()).statusCode()).isEqualTo(503);
        assertThat(send(request("/healthz").method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).statusCode())
                .isEqualTo(200);
        HttpResponse<String> refused = post("/apis/events", Map.of("X-Event-Type", "t"), "late");
        problem(refused, 503);
        assertThat(closed).isNotDone();

        accept.complete(null);
        assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        closed.get(10, TimeUnit.SECONDS);
    }

    @Test
    void countersReportAcceptedEventsAndRejectionsByStatus() throws Exception {
        start(b -> b);
        post("/apis/events", Map.of("X-Event-Type", "t"), "a");
        post("/apis/events", Map.of("X-Event-Type", "t"), "b");
        post("/apis/events", Map.of(), "c");
        send(request("/missing").GET().build());

        HttpSource.Stats stats = source.stats();
        assertThat(stats.acceptedEvents()).isEqualTo(2);
        assertThat(stats.responses(202)).isEqualTo(2);
        assertThat(stats.rejectedByStatus()).containsOnly(Map.entry(400, 1L), Map.entry(404, 1L));
    }

    // --- invocation ---------------------------------------------------------------------------------------------

    private static CloudEvent reply(CloudEvent request, String text) {
        return CloudEventBuilder.v1().withId("reply-" + request.getId()).withSource(URI.create("urn:fn"))
                .withType("com.example.reply").withData("text/plain", text.getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    void functionEndpointAnswersWithTheTriggersReplyInBinaryMode() throws Exception {
        start(b -> b);
        ctx.onRequest("greet", e -> CompletableFuture.completedFuture(
                reply(e, "hello " + new String(e.getData().toBytes(), StandardCharsets.UTF_8))));

        HttpResponse<String> response = post("/function/greet", Map.of("Content-Type", "text/plain", "X-Event-Id", "call-1"), "ada");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello ada");
        assertThat(response.headers().firstValue("ce-id")).contains("reply-call-1");
        assertThat(response.headers().firstValue("ce-type")).contains("com.example.reply");
        assertThat(response.headers().firstValue("Content-Type")).contains("text/plain");
        assertThat(ctx.emitted()).isEmpty(); // invocations go to the trigger, not the bus
    }

    @Test
    void functionEndpointTakesCloudEventsToo() throws Exception {
        start(b -> b);
        List<CloudEvent> received = new ArrayList<>();
        ctx.onRequest("echo", e -> {
            received.add(e);
            return CompletableFuture.completedFuture(reply(e, "ok"));
        });

        assertThat(send(sdkRequest("/function/echo", fullEvent("fn-1"), true)).statusCode()).isEqualTo(200);
        assertThat(received).containsExactly(fullEvent("fn-1"));
    }

    @Test
    void functionEndpointMapsRequestFailuresToStatuses() throws Exception {
        start(b -> b.requestTimeout(Duration.ofSeconds(2)));
        ctx.onRequest("slow", e -> CompletableFuture.failedFuture(new RequestFailedException(Reason.TIMEOUT, "no reply in PT2S")));
        ctx.onRequest("broken", e -> CompletableFuture.failedFuture(
                new RequestFailedException(Reason.HANDLER_FAILED, "boom", new IllegalStateException("boom"))));
        ctx.onRequest("silent", e -> CompletableFuture.completedFuture(null));
        ctx.onRequest("full", e -> CompletableFuture.failedFuture(new PublishRejectedException("queue full")));

        assertThat(problem(post("/function/missing", Map.of(), "x"), 404).get("detail").asText()).contains("missing");
        assertThat(problem(post("/function/slow", Map.of(), "x"), 504).get("detail").asText()).contains("PT2S");
        problem(post("/function/broken", Map.of(), "x"), 500);
        assertThat(post("/function/silent", Map.of(), "x").statusCode()).isEqualTo(204);
        HttpResponse<String> full = post("/function/full", Map.of(), "x");
        problem(full, 503);
        assertThat(full.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void asyncFunctionAnswers202AndPostsTheReplyToTheCallbackUrl() throws Exception {
        CallbackReceiver receiver = new CallbackReceiver(0);
        start(b -> b.allowCallbacksTo(LOOPBACK_ANY_PORT), Schedulers.system("test-callbacks"));
        ctx.onRequest("greet", e -> CompletableFuture.completedFuture(reply(e, "later")));

        HttpResponse<String> response = post("/async-function/greet",
                Map.of("X-Callback-Url", receiver.url(), "X-Event-Id", "job-7"), "x");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("X-Call-Id")).contains("job-7");
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received.size() == 1);
        CallbackReceiver.Call call = receiver.received.peek();
        assertThat(call.headers.get("x-call-id")).isEqualTo("job-7");
        assertThat(call.headers.get("x-function-status")).isEqualTo("200");
        assertThat(call.headers.get("ce-id")).isEqualTo("reply-job-7");
        assertThat(call.body).isEqualTo("later");
        await().atMost(Duration.ofSeconds(10)).until(() -> source.stats().callbacksDelivered() == 1);
    }

    @Test
    void asyncFunctionRetriesFailedCallbacksAndCountsGivenUpOnes() throws Exception {
        CallbackReceiver flaky = new CallbackReceiver(2); // answers 500 twice, then 200
        start(b -> b.callbackRetries(3, Duration.ofMillis(10), Duration.ofMillis(50)).allowCallbacksTo(LOOPBACK_ANY_PORT),
                Schedulers.system("test-callbacks"));
        ctx.onRequest("t", e -> CompletableFuture.failedFuture(new RequestFailedException(Reason.NO_MATCH, "nothing matched")));

        assertThat(post("/async-function/t", Map.of("X-Callback-Url", flaky.url()), "x").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> source.stats().callbacksDelivered() == 1);
        assertThat(source.stats().callbacksRetried()).isEqualTo(2);
        CallbackReceiver.Call call = flaky.received.peek();
        assertThat(call.headers.get("x-function-status")).isEqualTo("404");
        assertThat(call.headers.get("content-type")).isEqualTo("application/problem+json");

        CallbackReceiver down = new CallbackReceiver(Integer.MAX_VALUE);
        assertThat(post("/async-function/t", Map.of("X-Callback-Url", down.url()), "x").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> source.stats().callbacksFailed() == 1);
        assertThat(down.attempts.get()).isEqualTo(3);

        problem(post("/async-function/t", Map.of(), "x"), 400);
        problem(post("/async-function/t", Map.of("X-Callback-Url", "not a url"), "x"), 400);
    }

    @Test
    void asyncFunctionWithoutACallbackAllowlistIsRefusedWith400SayingHowToAllowIt() throws Exception {
        CallbackReceiver receiver = new CallbackReceiver(0);
        start(b -> b, Schedulers.system("test-callbacks"));
        AtomicInteger invoked = new AtomicInteger();
        ctx.onRequest("greet", e -> {
            invoked.incrementAndGet();
            return CompletableFuture.completedFuture(reply(e, "later"));
        });

        JsonNode p = problem(post("/async-function/greet", Map.of("X-Callback-Url", receiver.url()), "x"), 400);

        assertThat(p.get("type").asText()).endsWith("callbacks-not-allowed");
        assertThat(p.get("detail").asText()).contains("allowCallbacksTo").contains("callback.allow");
        assertThat(invoked.get()).isZero();
        assertThat(receiver.attempts.get()).isZero();
    }

    @Test
    void callbackUrlsOutsideTheAllowlistAreRefusedWith400NamingTheOriginToAllow() throws Exception {
        CallbackReceiver receiver = new CallbackReceiver(0);
        int port = receiver.port();
        start(b -> b.allowCallbacksTo("http://127.0.0.1:" + port, "https://*.hooks.example"), Schedulers.system("test-callbacks"));
        AtomicInteger invoked = new AtomicInteger();
        ctx.onRequest("greet", e -> {
            invoked.incrementAndGet();
            return CompletableFuture.completedFuture(reply(e, "later"));
        });

        JsonNode otherHost = problem(post("/async-function/greet",
                Map.of("X-Callback-Url", "http://169.254.169.254/latest/meta-data"), "x"), 400);
        assertThat(otherHost.get("type").asText()).endsWith("callback-not-allowed");
        assertThat(otherHost.get("detail").asText()).contains("http://169.254.169.254").contains("allowCallbacksTo");
        problem(post("/async-function/greet", Map.of("X-Callback-Url", "http://127.0.0.1:" + (port == 1 ? 2 : port - 1) + "/x"), "x"), 400);
        problem(post("/async-function/greet", Map.of("X-Callback-Url", "https://127.0.0.1:" + port + "/x"), "x"), 400);
        problem(post("/async-function/greet", Map.of("X-Callback-Url", "https://hooks.example/x"), "x"), 400);
        problem(post("/async-function/greet", Map.of("X-Callback-Url", "http://127.0.0.1:" + port + "@internal.example/x"), "x"), 400);
        assertThat(invoked.get()).isZero();

        assertThat(post("/async-function/greet", Map.of("X-Callback-Url", receiver.url()), "x").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received.size() == 1);
    }

    @Test
    void theProviderKeyCallbackAllowListsTheOriginsCallbacksMayUse() throws Exception {
        CallbackReceiver receiver = new CallbackReceiver(0);
        source = (HttpSource) new HttpSourceProvider().create("webhooks", Map.of("port", "0",
                "callback.allow", "https://hooks.example, http://127.0.0.1:" + receiver.port()));
        ctx = new RecordingSourceContext("webhooks", Schedulers.system("test-callbacks"));
        source.start(ctx);
        toClose.add(source);
        ctx.onRequest("greet", e -> CompletableFuture.completedFuture(reply(e, "later")));

        problem(post("/async-function/greet", Map.of("X-Callback-Url", "http://127.0.0.1:1/x"), "x"), 400);
        assertThat(post("/async-function/greet", Map.of("X-Callback-Url", receiver.url()), "x").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received.size() == 1);
    }

    @Test
    void callbacksNeverFollowARedirect() throws Exception {
        CallbackReceiver elsewhere = new CallbackReceiver(0);
        HttpServer redirecting = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger redirected = new AtomicInteger();
        redirecting.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            redirected.incrementAndGet();
            ex.getResponseHeaders().set("Location", elsewhere.url());
            ex.sendResponseHeaders(307, -1);
            ex.close();
        });
        redirecting.start();
        toClose.add(() -> redirecting.stop(0));
        start(b -> b.callbackRetries(1, Duration.ofMillis(10), Duration.ofMillis(10)).allowCallbacksTo(LOOPBACK_ANY_PORT),
                Schedulers.system("test-callbacks"));
        ctx.onRequest("greet", e -> CompletableFuture.completedFuture(reply(e, "later")));

        String url = "http://127.0.0.1:" + redirecting.getAddress().getPort() + "/callback";
        assertThat(post("/async-function/greet", Map.of("X-Callback-Url", url), "x").statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(10)).until(() -> source.stats().callbacksFailed() == 1);
        assertThat(redirected.get()).isEqualTo(1);
        assertThat(elsewhere.attempts.get()).isZero();
        assertThat(source.stats().callbacksDelivered()).isZero();
    }

    /** A loopback HTTP server standing in for the caller's callback endpoint; fails its first N requests with 500. */
    private final class CallbackReceiver {
        record Call(Map<String, String> headers, String body) {
        }

        final ConcurrentLinkedQueue<Call> received = new ConcurrentLinkedQueue<>();
        final AtomicInteger attempts = new AtomicInteger();
        private final HttpServer server;

        CallbackReceiver(int failures) throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", ex -> {
                byte[] body = ex.getRequestBody().readAllBytes();
                if (attempts.incrementAndGet() <= failures) {
                    ex.sendResponseHeaders(500, -1);
                } else {
                    Map<String, String> headers = new LinkedHashMap<>();
                    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
                    received.add(new Call(headers, new String(body, StandardCharsets.UTF_8)));
                    ex.sendResponseHeaders(204, -1);
                }
                ex.close();
            });
            server.start();
            toClose.add(() -> server.stop(0));
        }

        String url() {
            return "http://127.0.0.1:" + port() + "/callback";
        }

        int port() {
            return server.getAddress().getPort();
        }
    }
}
