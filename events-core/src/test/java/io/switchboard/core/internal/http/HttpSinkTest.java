package io.switchboard.core.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.FullQueuePolicy;
import io.switchboard.api.HttpTarget;
import io.switchboard.api.NonRetryableException;
import io.switchboard.api.RequestFailedException;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.SubscriberStats;
import io.switchboard.api.Trigger;
import io.switchboard.api.TriggerInput;
import io.switchboard.core.DrainReport;
import io.switchboard.core.RuntimeObserver;
import io.switchboard.core.Switchboard;
import io.switchboard.core.internal.dispatch.DefaultExecutors;
import io.switchboard.core.source.http.HttpSource;
import io.switchboard.core.time.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class HttpSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong IDS = new AtomicLong();
    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    FunctionServer server() throws Exception {
        FunctionServer server = new FunctionServer();
        toClose.add(server);
        return server;
    }

    /** A started runtime with one trigger on {@code type = 'order.created'} whose subscriber {@code s} is set up by {@code config}. */
    Switchboard runtime(UnaryOperator<Subscriber.Builder> config) {
        Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("orders").input("in", "type = 'order.created'")
                        .subscriber(config.apply(Subscriber.builder("s")).build()).build())
                .build().start();
        toClose.add(sb);
        return sb;
    }

    static CloudEvent event() {
        return CloudEventBuilder.v1().withId("e" + IDS.incrementAndGet()).withType("order.created")
                .withSource(URI.create("/shop")).build();
    }

    static void publish(Switchboard sb, CloudEvent event) {
        sb.publish(event).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    }

    static SubscriberStats stats(Switchboard sb) {
        return sb.runtime().stats("orders", "s");
    }

    @Test
    void binary_mode_sends_attributes_as_ce_headers_and_data_as_the_body_and_a_2xx_completes_delivery() throws Exception {
        FunctionServer fn = server();
        Switchboard sb = runtime(s -> s.sink(Sink.http(fn.uri("/ship"))));
        CloudEvent event = CloudEventBuilder.v1().withId("order-1").withType("order.created")
                .withSource(URI.create("/shop")).withSubject("héllo wörld")
                .withTime(OffsetDateTime.parse("2026-05-01T10:00:00Z"))
                .withExtension("traceparent", TRACEPARENT).withExtension("tenant", "acme")
                .withData("application/json", "{\"total\":42}".getBytes(StandardCharsets.UTF_8)).build();

        publish(sb, event);

        FunctionServer.Received r = fn.next();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/ship");
        assertThat(r.protocol()).as("plain http:// stays on HTTP/1.1, no h2c upgrade").isEqualTo("HTTP/1.1");
        assertThat(r.header("upgrade")).isNull();
        assertThat(r.header("ce-specversion")).isEqualTo("1.0");
        assertThat(r.header("ce-id")).isEqualTo("order-1");
        assertThat(r.header("ce-type")).isEqualTo("order.created");
        assertThat(r.header("ce-source")).isEqualTo("/shop");
        assertThat(r.header("ce-subject")).as("percent-encoded as the HTTP binding requires")
                .isEqualTo("h%C3%A9llo%20w%C3%B6rld");
        assertThat(r.header("ce-time")).isEqualTo("2026-05-01T10:00:00Z");
        assertThat(r.header("ce-tenant")).isEqualTo("acme");
        assertThat(r.header("ce-traceparent")).isEqualTo(TRACEPARENT);
        assertThat(r.header("traceparent")).as("W3C header too").isEqualTo(TRACEPARENT);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.text()).isEqualTo("{\"total\":42}");
        assertThat(HttpMessageFactory.createReaderFromMultimap(decoded(r.headers()), r.body()).toEvent())
                .isEqualTo(event);
        await().atMost(Duration.ofSeconds(10)).until(() -> stats(sb).delivered() == 1);
        assertThat(stats(sb).failed()).isZero();
    }

    @Test
    void structured_mode_sends_the_whole_event_as_cloudevents_json() throws Exception {
        FunctionServer fn = server().answering(req -> FunctionServer.Answer.status(204));
        Switchboard sb = runtime(s -> s.sink(Sink.http(HttpTarget.builder(fn.uri("/ship"))
                .mode(HttpTarget.Mode.STRUCTURED).build())));
        CloudEvent event = CloudEventBuilder.v1().withId("order-2").withType("order.created")
                .withSource(URI.create("/shop")).withSubject("a b")
                .withData("application/json", "{\"total\":7}".getBytes(StandardCharsets.UTF_8)).build();

        publish(sb, event);

        FunctionServer.Received r = fn.next();
        assertThat(r.header("content-type")).isEqualTo("application/cloudevents+json");
        assertThat(r.headers().keySet()).noneMatch(h -> h.startsWith("ce-"));
        assertThat(JSON.readTree(r.body())).isEqualTo(JSON.readTree("""
                {"specversion":"1.0","id":"order-2","source":"/shop","type":"order.created",
                 "datacontenttype":"application/json","subject":"a b","data":{"total":7}}"""));
        await().atMost(Duration.ofSeconds(10)).until(() -> stats(sb).delivered() == 1);
    }

    @Test
    void a_response_that_is_a_cloudevent_is_the_reply_returned_to_a_request() throws Exception {
        CloudEvent answer = CloudEventBuilder.v1().withId("r-1").withType("order.shipped")
                .withSource(URI.create("/shipping")).withSubject("pärcel")
                .withData("text/plain", "on its way".getBytes(StandardCharsets.UTF_8)).build();
        FunctionServer fn = server().answering(req -> {
            Map<String, String> headers = new LinkedHashMap<>();
            byte[][] body = new byte[1][];
            HttpMessageFactory.createWriter((k, v) -> headers.put(k, HeaderValues.isAttribute(k) ? HeaderValues.encode(v) : v),
                    b -> body[0] = b).writeBinary(answer);
            return new FunctionServer.Answer(200, headers, body[0]);
        });
        Switchboard sb = runtime(s -> s.sink(Sink.http(fn.uri("/ship"))));

        CloudEvent reply = sb.request(event(), Duration.ofSeconds(10)).toCompletableFuture().get(20, TimeUnit.SECONDS);

        assertThat(reply.getId()).isEqualTo("r-1");
        assertThat(reply.getType()).isEqualTo("order.shipped");
        assertThat(reply.getSubject()).isEqualTo("pärcel");
        assertThat(new String(reply.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("on its way");
        assertThat(stats(sb).delivered()).isEqualTo(1);
    }

    @Test
    void with_a_reply_topic_each_reply_is_published_to_the_bus_and_reaches_the_triggers_reading_it() throws Exception {
        FunctionServer fn = server().answering(req -> {
            CloudEvent shipped = CloudEventBuilder.v1().withId("shipped-" + req.header("ce-id")).withType("order.shipped")
                    .withSource(URI.create("/shipping")).build();
            Map<String, String> headers = new LinkedHashMap<>();
            byte[][] body = new byte[1][];
            HttpMessageFactory.createWriter(headers::put, b -> body[0] = b).writeStructured(shipped, "application/cloudevents+json");
            return new FunctionServer.Answer(200, headers, body[0]);
        });
        List<CloudEvent> shipped = new CopyOnWriteArrayList<>();
        Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("orders").input("in", "type = 'order.created'")
                        .subscriber(Subscriber.builder("s").sink(Sink.http(HttpTarget.builder(fn.uri("/ship"))
                                .replyTopic(TriggerInput.APPLICATION).build())).build()).build())
                .trigger(Trigger.builder("shipments").input("in", "type = 'order.shipped'")
                        .subscriber("h", null, Sink.handler(shipped::add)).build())
                .build().start();
        toClose.add(sb);
        CloudEvent order = CloudEventBuilder.v1(event()).withExtension("traceparent", TRACEPARENT).build();

        publish(sb, order);

        await().atMost(Duration.ofSeconds(10)).until(() -> shipped.size() == 1);
        assertThat(shipped.get(0).getId()).isEqualTo("shipped-" + order.getId());
        assertThat(shipped.get(0).getExtension("traceparent")).as("the reply continues the order's trace")
                .isEqualTo(TRACEPARENT);
        assertThat(sb.runtime().stats("orders", "s").delivered()).isEqualTo(1);
    }

    @Test
    void a_reply_topic_must_be_named() {
        assertThatThrownBy(() -> HttpTarget.builder(URI.create("http://localhost/f")).replyTopic(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reply topic must not be blank");
    }

    @Test
    void a_2xx_without_a_cloudevent_completes_delivery_and_gives_a_request_no_reply() throws Exception {
        FunctionServer fn = server().answering(req -> FunctionServer.Answer.text(200, "OK"));
        Switchboard sb = runtime(s -> s.sink(Sink.http(fn.uri("/ship"))));

        assertThatThrownBy(() -> sb.request(event(), Duration.ofSeconds(10)).toCompletableFuture().get(20, TimeUnit.SECONDS))
                .hasCauseInstanceOf(RequestFailedException.class)
                .satisfies(e -> assertThat(((RequestFailedException) e.getCause()).reason())
                        .isEqualTo(RequestFailedException.Reason.NO_REPLY));
        assertThat(stats(sb).delivered()).isEqualTo(1);
        assertThat(stats(sb).failed()).isZero();
    }

    @Test
    void a_500_is_retried_under_the_delivery_policy_and_the_next_success_completes_delivery() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        FunctionServer fn = server().answering(req -> calls.incrementAndGet() == 1
                ? FunctionServer.Answer.text(500, "database down") : FunctionServer.Answer.status(200));
        List<CloudEvent> dead = new CopyOnWriteArrayList<>();
        Switchboard sb = runtime(s -> s.sink(Sink.http(fn.uri("/ship"))).deliveryPolicy(retries(3))
                .deadLetter(Sink.handler(dead::add)));
        CloudEvent event = event();

        publish(sb, event);

        assertThat(fn.next().header("ce-id")).isEqualTo(event.getId());
        assertThat(fn.next().header("ce-id")).as("the retry sends the same event").isEqualTo(event.getId());
        await().atMost(Duration.ofSeconds(10)).until(() -> stats(sb).delivered() == 1);
        assertThat(stats(sb).retried()).isEqualTo(1);
        assertThat(stats(sb).failed()).isEqualTo(1);
        assertThat(dead).isEmpty();
        assertThat(fn.received).isEmpty();
    }

    @Test
    void a_404_is_not_retried_and_dead_letters_with_the_url_status_and_a_bounded_excerpt_of_the_body() throws Exception {
        String page = "no such function: ship\n" + "x".repeat(10_000);
        FunctionServer fn = server().answering(req -> FunctionServer.Answer.text(404, page));
        List<CloudEvent> dead = new CopyOnWriteArrayList<>();
        Switchboard sb = runtime(s -> s.sink(Sink.http(fn.uri("/ship"))).deliveryPolicy(retries(5))
                .deadLetter(Sink.handler(dead::add)));
        CloudEvent event = event();

        publish(sb, event);

        await().atMost(Duration.ofSeconds(10)).until(() -> dead.size() == 1);
        CloudEvent letter = dead.get(0);
        assertThat(letter.getId()).isEqualTo(event.getId());
        assertThat(letter.getExtension("dlreason")).isEqualTo("nonretryable");
        assertThat(letter.getExtension("dlattempts")).isEqualTo(1);
        String error = (String) letter.getExtension("dlerror");
        assertThat(error).startsWith("HTTP sink POST " + fn.uri("/ship") + " of subscriber 's' of trigger 'orders'"
                + " answered 404: no such function: ship x");
        assertThat(error).endsWith("… (not retried: a 404 answer would not change)");
        assertThat(error.length()).isLessThan(600);
        assertThat(letter.getExtension("dlerrortype")).isEqualTo(NonRetryableException.class.getName());
        assertThat(fn.received).hasSize(1);
        assertThat(stats(sb).retried()).isZero();
        assertThat(stats(sb).deadLettered()).isEqualTo(1);
    }

    @Test
    void statuses_408_429_and_5xx_are_retried_while_other_4xx_and_3xx_are_not() throws Exception {
        for (int status : new int[]{408, 429, 502, 503}) {
            AtomicInteger calls = new AtomicInteger();
            FunctionServer fn = server().answering(req -> FunctionServer.Answer.status(calls.incrementAndGet() == 1 ? status : 202));
            Switchboard sb = runtime(s -> s.sink(Sink.http(fn.uri("/f"))).deliveryPolicy(retries(2)));
            publish(sb, event());
            await().atMost(Duration.ofSeconds(10)).until(() -> stats(sb).delivered() == 1);
            assertThat(stats(sb).retried()).as("status " + status).isEqualTo(1);
        }
        for (int status : new int[]{400, 401, 403, 409, 422, 301}) {
            List<CloudEvent> dead = new CopyOnWriteArrayList<>();
            FunctionServer fn = server().answering(req -> FunctionServer.Answer.status(status));
            Switchboard sb = runtime(s -> s.sink(Sink.http(fn.uri("/f"))).deliveryPolicy(retries(3))
                    .deadLetter(Sink.handler(dead::add)));
            publish(sb, event());
            await().atMost(Duration.ofSeconds(10)).until(() -> dead.size() == 1);
            assertThat(dead.get(0).getExtension("dlreason")).as("status " + status).isEqualTo("nonretryable");
            assertThat((String) dead.get(0).getExtension("dlerror")).contains("answered " + status);
            assertThat(fn.received).as("status " + status).hasSize(1);
        }
    }

    @Test
    void a_retry_after_answer_lengthens_the_wait_before_the_retry_up_to_the_policys_cap() throws Exception {
        for (String[] c : new String[][]{{"2", "PT2S"}, {"3600", "PT5S"}}) {
            AtomicInteger calls = new AtomicInteger();
            FunctionServer fn = server().answering(req -> calls.incrementAndGet() == 1
                    ? new FunctionServer.Answer(503, Map.of("Retry-After", c[0]), new byte[0])
                    : FunctionServer.Answer.status(200));
            ManualScheduler time = new ManualScheduler();
            Instant start = time.now();
            Switchboard sb = Switchboard.builder().scheduler(time)
                    .trigger(Trigger.builder("orders").input("in", "type = 'order.created'")
                            .subscriber(Subscriber.builder("s").sink(Sink.http(fn.uri("/busy")))
                                    .deliveryPolicy(DeliveryPolicy.builder().maxAttempts(2)
                                            .backoff(Duration.ofMillis(10), Duration.ofSeconds(5), 2.0).build())
                                    .build()).build())
                    .build().start();
            toClose.add(sb);
            publish(sb, event());
            fn.next();
            Instant due = start.plus(Duration.parse(c[1]));

            await().atMost(Duration.ofSeconds(10)).until(() -> time.pendingDueTimes().contains(due));
            assertThat(time.pendingDueTimes()).as("Retry-After: " + c[0]).noneMatch(t -> t.isBefore(due));
            assertThat(fn.received).isEmpty();
            time.advanceTo(due);

            assertThat(fn.next().method()).isEqualTo("POST");
            await().atMost(Duration.ofSeconds(10)).until(() -> stats(sb).delivered() == 1);
        }
    }

    @Test
    void retry_after_is_read_as_seconds_or_an_http_date() {
        Instant now = Instant.parse("2026-05-01T10:00:00Z");
        assertThat(HttpInvoker.retryAfter("120", now)).isEqualTo(Duration.ofMinutes(2));
        assertThat(HttpInvoker.retryAfter("Fri, 01 May 2026 10:00:30 GMT", now)).isEqualTo(Duration.ofSeconds(30));
        assertThat(HttpInvoker.retryAfter("Fri, 01 May 2026 09:00:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(HttpInvoker.retryAfter("soon", now)).isNull();
        assertThat(HttpInvoker.retryAfter(null, now)).isNull();
    }

    @Test
    void a_function_that_does_not_answer_in_time_is_retried_then_dead_lettered() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        toClose.add(never::countDown);
        FunctionServer fn = server().answering(req -> {
            never.await();
            return FunctionServer.Answer.status(200);
        });
        List<CloudEvent> dead = new CopyOnWriteArrayList<>();
        Switchboard sb = runtime(s -> s.sink(Sink.http(HttpTarget.builder(fn.uri("/slow"))
                        .timeout(Duration.ofMillis(300)).build()))
                .deliveryPolicy(retries(2)).deadLetter(Sink.handler(dead::add)));

        publish(sb, event());

        await().atMost(Duration.ofSeconds(20)).until(() -> dead.size() == 1);
        assertThat(dead.get(0).getExtension("dlreason")).isEqualTo("exhausted");
        assertThat(dead.get(0).getExtension("dlattempts")).isEqualTo(2);
        assertThat((String) dead.get(0).getExtension("dlerror")).isEqualTo("HTTP sink POST " + fn.uri("/slow")
                + " of subscriber 's' of trigger 'orders' got no complete answer within PT0.3S");
        assertThat(fn.received).hasSize(2);
    }

    @Test
    void a_function_that_cannot_be_reached_is_retried_then_dead_lettered() throws Exception {
        FunctionServer fn = server();
        URI gone = fn.uri("/f");
        fn.close(); // nothing listens on the port any more
        List<CloudEvent> dead = new CopyOnWriteArrayList<>();
        Switchboard sb = runtime(s -> s.sink(Sink.http(gone)).deliveryPolicy(retries(2))
                .deadLetter(Sink.handler(dead::add)));

        publish(sb, event());

        await().atMost(Duration.ofSeconds(20)).until(() -> dead.size() == 1);
        assertThat(dead.get(0).getExtension("dlreason")).isEqualTo("exhausted");
        assertThat((String) dead.get(0).getExtension("dlerror")).startsWith("HTTP sink POST " + gone);
        assertThat(stats(sb).retried()).isEqualTo(1);
    }

    @Test
    void a_slow_function_holds_in_flight_requests_to_the_subscribers_concurrency_and_the_full_queue_policy_applies()
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        toClose.add(release::countDown);
        FunctionServer fn = server().answering(req -> {
            release.await();
            return FunctionServer.Answer.status(200);
        });
        Switchboard sb = runtime(s -> s.sink(Sink.http(fn.uri("/slow"))).concurrency(2).queueCapacity(2)
                .whenFull(FullQueuePolicy.fail()));

        int published = 40;
        for (int i = 0; i < published; i++) {
            // the bus accepts them all; distinct keys spread them over its partitions, each of which hands the
            // subscriber one event at a time, so the subscriber's queue sees more than it can hold
            publish(sb, CloudEventBuilder.v1(event()).withSubject("k" + i).build());
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> stats(sb).rejected() > 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> fn.inFlight() == 2); // both lanes wait on the function
        assertThat(fn.maxInFlight()).isEqualTo(2);
        assertThat(sb.runtime().health().problems()).anyMatch(p -> p.contains("has a full queue"));
        release.countDown();
        // what the full queue refused went back to the bus, which redelivers it (or, past its delivery limit, hands it
        // to poison handling): nothing is dropped silently
        long total = published;
        await().atMost(Duration.ofSeconds(30)).until(() -> stats(sb).delivered() + sb.runtime().poisoned() == total);
        assertThat(fn.maxInFlight()).isEqualTo(2);
        Set<Integer> ports = new HashSet<>();
        fn.received.forEach(r -> ports.add(r.remotePort()));
        assertThat(ports).as("connections: one per request in flight, reused after").hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void a_correlated_firing_is_sent_as_one_json_batch_in_input_order() throws Exception {
        FunctionServer fn = server();
        Switchboard sb = correlated(Sink.http(fn.uri("/pair")));
        CloudEvent payment = typed("payment.received", "o-1");
        CloudEvent order = typed("order.created", "o-1");

        publish(sb, payment);
        publish(sb, order);

        FunctionServer.Received r = fn.next();
        assertThat(r.header("content-type")).isEqualTo("application/cloudevents-batch+json");
        assertThat(json(r.body())).isEqualTo(JSON.readTree("""
                [{"specversion":"1.0","id":"%s","source":"/shop","type":"order.created","subject":"o-1"},
                 {"specversion":"1.0","id":"%s","source":"/shop","type":"payment.received","subject":"o-1"}]"""
                .formatted(order.getId(), payment.getId())));
        await().atMost(Duration.ofSeconds(10)).until(() -> sb.runtime().stats("pair", "s").delivered() == 1);
        assertThat(fn.received).isEmpty();
    }

    @Test
    void a_correlated_firing_sent_each_is_one_request_per_event_in_input_order() throws Exception {
        FunctionServer fn = server();
        Switchboard sb = correlated(Sink.http(HttpTarget.builder(fn.uri("/pair"))
                .multipleEvents(HttpTarget.MultipleEvents.EACH).build()));
        CloudEvent payment = typed("payment.received", "o-2");
        CloudEvent order = typed("order.created", "o-2");

        publish(sb, payment);
        publish(sb, order);

        FunctionServer.Received first = fn.next();
        FunctionServer.Received second = fn.next();
        assertThat(first.header("ce-id")).isEqualTo(order.getId());
        assertThat(second.header("ce-id")).isEqualTo(payment.getId());
        assertThat(first.header("content-type")).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> sb.runtime().stats("pair", "s").delivered() == 1);
        assertThat(fn.received).isEmpty();
    }

    @Test
    void a_failing_request_of_an_each_firing_fails_the_firing_and_the_retry_sends_every_event_again() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        FunctionServer fn = server().answering(req -> FunctionServer.Answer.status(calls.incrementAndGet() == 2 ? 503 : 200));
        Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("pair").input("order", "type = 'order.created'")
                        .input("payment", "type = 'payment.received'")
                        .subscriber(Subscriber.builder("s").condition("order && payment").correlateBy("subject")
                                .deliveryPolicy(retries(2)).sink(Sink.http(HttpTarget.builder(fn.uri("/pair"))
                                        .multipleEvents(HttpTarget.MultipleEvents.EACH).build())).build())
                        .build())
                .build().start();
        toClose.add(sb);
        CloudEvent order = typed("order.created", "o-3");
        CloudEvent payment = typed("payment.received", "o-3");

        publish(sb, order);
        publish(sb, payment);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(fn.next().header("ce-id"));
        }
        assertThat(ids).containsExactly(order.getId(), payment.getId(), order.getId(), payment.getId());
        await().atMost(Duration.ofSeconds(10)).until(() -> sb.runtime().stats("pair", "s").delivered() == 1);
        assertThat(sb.runtime().stats("pair", "s").retried()).isEqualTo(1);
    }

    @Test
    void a_batching_subscriber_sends_each_batch_as_one_request_in_arrival_order() throws Exception {
        FunctionServer fn = server();
        Switchboard sb = runtime(s -> s.sink(Sink.http(fn.uri("/batch"))).batch(3, Duration.ofMinutes(5)));
        // one key: the bus keeps them in order on one partition, so arrival order is publish order
        List<CloudEvent> events = List.of(typed("order.created", "o-9"), typed("order.created", "o-9"),
                typed("order.created", "o-9"));

        for (CloudEvent e : events) {
            publish(sb, e);
        }

        FunctionServer.Received r = fn.next();
        assertThat(r.header("content-type")).isEqualTo("application/cloudevents-batch+json");
        List<String> ids = new ArrayList<>();
        json(r.body()).forEach(node -> ids.add(node.get("id").asText()));
        assertThat(ids).containsExactly(events.get(0).getId(), events.get(1).getId(), events.get(2).getId());
        await().atMost(Duration.ofSeconds(10)).until(() -> stats(sb).delivered() == 3);
    }

    @Test
    void an_http_dead_letter_sink_receives_the_given_up_event_with_its_failure_extensions_as_ce_headers()
            throws Exception {
        FunctionServer dlq = server();
        Switchboard sb = runtime(s -> s.sink(Sink.handler(e -> {
            throw new NonRetryableException("order cannot ship");
        })).deadLetter(Sink.http(dlq.uri("/dead"))));
        CloudEvent event = event();

        publish(sb, event);

        FunctionServer.Received r = dlq.next();
        assertThat(r.header("ce-id")).isEqualTo(event.getId());
        assertThat(r.header("ce-dlreason")).isEqualTo("nonretryable");
        assertThat(r.header("ce-dlerror")).isEqualTo("order%20cannot%20ship");
        assertThat(r.header("ce-dlsubscriber")).isEqualTo("s");
        await().atMost(Duration.ofSeconds(10)).until(() -> stats(sb).deadLettered() == 1);
    }

    @Test
    void an_inline_subscriber_with_an_http_sink_delivers_without_blocking_the_publisher_on_the_answer()
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        toClose.add(release::countDown);
        FunctionServer fn = server().answering(req -> {
            release.await();
            return FunctionServer.Answer.status(200);
        });
        Switchboard sb = runtime(s -> s.sink(Sink.http(fn.uri("/inline"))).inline());

        publish(sb, event()); // completes although the function has not answered yet

        fn.next();
        assertThat(stats(sb).delivered()).isZero();
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> stats(sb).delivered() == 1);
    }

    @Test
    void requests_carry_the_configured_headers_the_bearer_token_and_an_hmac_of_the_exact_body() throws Exception {
        FunctionServer fn = server();
        Switchboard sb = runtime(s -> s.sink(Sink.http(HttpTarget.builder(fn.uri("/ship"))
                .header("X-Tenant", "acme").bearerToken("t0ken").hmacSha256("s3cret").build())));

        publish(sb, CloudEventBuilder.v1(event()).withData("application/json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)).build());

        FunctionServer.Received r = fn.next();
        assertThat(r.header("x-tenant")).isEqualTo("acme");
        assertThat(r.header("authorization")).isEqualTo("Bearer t0ken");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        assertThat(r.header(HttpTarget.DEFAULT_SIGNATURE_HEADER))
                .isEqualTo("sha256=" + HexFormat.of().formatHex(mac.doFinal(r.body())));
        assertThat(r.text()).isEqualTo("{\"a\":1}");
    }

    @Test
    void an_http_sink_delivers_to_the_http_source_of_another_runtime_that_checks_the_same_token_and_secret()
            throws Exception {
        List<CloudEvent> arrived = new CopyOnWriteArrayList<>();
        HttpSource ingress = HttpSource.builder("ingress").host("127.0.0.1").port(0).bearerToken("t0ken")
                .hmacSha256("s3cret").build();
        Switchboard receiver = Switchboard.builder().source(ingress)
                .trigger(Trigger.builder("in").input("all", "ingress", null)
                        .subscriber("h", null, Sink.handler(arrived::add)).build())
                .build().start();
        toClose.add(receiver);
        URI target = ingress.baseUri().resolve("/");
        List<CloudEvent> dead = new CopyOnWriteArrayList<>();
        Switchboard sender = Switchboard.builder()
                .trigger(Trigger.builder("orders").input("in", "type = 'order.created'")
                        .subscriber(Subscriber.builder("good").sink(Sink.http(HttpTarget.builder(target)
                                .bearerToken("t0ken").hmacSha256("s3cret").build())).build())
                        .subscriber(Subscriber.builder("forged").deadLetter(Sink.handler(dead::add))
                                .sink(Sink.http(HttpTarget.builder(target).bearerToken("t0ken")
                                        .hmacSha256("wrong").build())).build())
                        .build())
                .build().start();
        toClose.add(sender);
        CloudEvent event = CloudEventBuilder.v1(event()).withSubject("naïve")
                .withData("application/json", "{\"total\":1}".getBytes(StandardCharsets.UTF_8)).build();

        publish(sender, event);

        await().atMost(Duration.ofSeconds(10)).until(() -> arrived.size() == 1 && dead.size() == 1);
        assertThat(arrived.get(0)).isEqualTo(event);
        assertThat(dead.get(0).getExtension("dlreason")).isEqualTo("nonretryable");
        assertThat((String) dead.get(0).getExtension("dlerror")).contains("answered 401");
        assertThat(sender.runtime().stats("orders", "good").delivered()).isEqualTo(1);
        assertThat(ingress.stats().responses(202)).isEqualTo(1);
    }

    @Test
    void a_request_reaches_a_replying_trigger_of_another_runtime_through_its_http_source_and_returns_its_reply()
            throws Exception {
        HttpSource ingress = HttpSource.builder("ingress").host("127.0.0.1").port(0).build();
        Switchboard receiver = Switchboard.builder().source(ingress)
                .trigger(Trigger.builder("echo").input("all", "ingress", null)
                        .subscriber("h", null, Sink.replying(e -> CloudEventBuilder.v1(e).withId("re-" + e.getId())
                                .withType("order.echoed").build())).build())
                .build().start();
        toClose.add(receiver);
        Switchboard sender = runtime(s -> s.sink(Sink.http(ingress.baseUri().resolve("/function/echo"))));
        CloudEvent event = event();

        CloudEvent reply = sender.request(event, Duration.ofSeconds(10)).toCompletableFuture().get(20, TimeUnit.SECONDS);

        assertThat(reply.getId()).isEqualTo("re-" + event.getId());
        assertThat(reply.getType()).isEqualTo("order.echoed");
    }

    @Test
    void sequential_requests_reuse_one_kept_alive_connection() throws Exception {
        FunctionServer fn = server();
        Switchboard sb = runtime(s -> s.sink(Sink.http(fn.uri("/ship"))).concurrency(1));

        for (int i = 0; i < 5; i++) {
            publish(sb, event());
        }

        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            ports.add(fn.next().remotePort());
        }
        assertThat(ports).as("client ports of 5 requests").hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> stats(sb).delivered() == 5);
    }

    @Test
    void a_sink_url_that_is_not_absolute_http_is_refused_when_the_sink_is_made() {
        for (String bad : new String[]{"ftp://host/f", "/relative/path", "mailto:ops@example.com", "http:///nohost"}) {
            assertThatThrownBy(() -> Sink.http(URI.create(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("absolute http:// or https:// URL with a host")
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void close_lets_an_in_flight_request_finish_within_the_drain_timeout_then_releases_the_clients_threads()
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        toClose.add(release::countDown);
        FunctionServer fn = server().answering(req -> {
            release.await();
            return FunctionServer.Answer.status(200);
        });
        Switchboard sb = Switchboard.builder().drainTimeout(Duration.ofSeconds(20))
                .trigger(Trigger.builder("orders").input("in", "type = 'order.created'")
                        .subscriber(Subscriber.builder("s").sink(Sink.http(fn.uri("/slow"))).build()).build())
                .build().start();
        publish(sb, event());
        fn.next();
        List<Thread> clientThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("switchboard-http-")).toList();
        if (!DefaultExecutors.virtualThreadsAvailable()) {
            assertThat(clientThreads).as("the client's executor threads").isNotEmpty();
        }

        // closing on the common pool also keeps it busy (one worker on a 2-core machine): the answer must still get
        // through, as the sink does not wait on the client's hop to that pool
        CompletableFuture<DrainReport> closing = CompletableFuture.supplyAsync(sb::shutdown);
        await().atMost(Duration.ofSeconds(10)).until(() -> sb.runtime().health().draining());
        assertThat(closing).isNotDone();
        release.countDown();
        DrainReport report = closing.get(30, TimeUnit.SECONDS);

        assertThat(report.complete()).isTrue();
        assertThat(sb.runtime().stats("orders", "s").delivered()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> clientThreads.stream().noneMatch(Thread::isAlive));
    }

    @Test
    void observers_wrap_an_http_sink_like_any_handler_sink_and_see_each_attempt_and_its_outcome() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        FunctionServer fn = server().answering(req -> FunctionServer.Answer.status(calls.incrementAndGet() == 1 ? 503 : 200));
        List<String> seen = new CopyOnWriteArrayList<>();
        RuntimeObserver observer = new RuntimeObserver() {
            @Override
            public Sink.Invoke observe(Trigger trigger, Subscriber subscriber, Sink.Invoke sink) {
                return new Sink.Invoke(firing -> sink.invoker().invoke(firing).whenComplete((reply, failure) ->
                        seen.add(subscriber.name() + ":" + (failure == null ? "ok" : "failed"))), sink.replies());
            }
        };
        Switchboard sb = Switchboard.builder().observer(observer)
                .trigger(Trigger.builder("orders").input("in", "type = 'order.created'")
                        .subscriber(Subscriber.builder("s").sink(Sink.http(fn.uri("/ship"))).deliveryPolicy(retries(2))
                                .build()).build())
                .build().start();
        toClose.add(sb);

        publish(sb, event());

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
        assertThat(seen).containsExactly("s:failed", "s:ok");
    }

    /** A started runtime whose subscriber {@code s} of trigger {@code pair} fires when an order and its payment met. */
    Switchboard correlated(Sink sink) {
        Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("pair").input("order", "type = 'order.created'")
                        .input("payment", "type = 'payment.received'")
                        .subscriber(Subscriber.builder("s").condition("order && payment").correlateBy("subject")
                                .sink(sink).build())
                        .build())
                .build().start();
        toClose.add(sb);
        return sb;
    }

    static CloudEvent typed(String type, String subject) {
        return CloudEventBuilder.v1().withId("e" + IDS.incrementAndGet()).withType(type)
                .withSource(URI.create("/shop")).withSubject(subject).build();
    }

    /** Header values of {@code ce-*} percent-decoded, as a receiver reads them. */
    static Map<String, List<String>> decoded(Map<String, List<String>> headers) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        headers.forEach((k, v) -> out.put(k, HeaderValues.isAttribute(k)
                ? v.stream().map(HeaderValues::decode).toList() : v));
        return out;
    }

    static JsonNode json(byte[] body) throws Exception {
        return JSON.readTree(body);
    }

    static DeliveryPolicy retries(int attempts) {
        return DeliveryPolicy.builder().maxAttempts(attempts)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50), 2.0).build();
    }
}
