package io.switchboard.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.sun.net.httpserver.HttpServer;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.CloudEventSerializer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.Firing;
import io.switchboard.api.HttpTarget;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.SubscriberStats;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import io.switchboard.core.source.cron.CronSource;
import io.switchboard.core.source.cron.TimerSource;
import io.switchboard.core.source.http.HttpSource;
import io.switchboard.core.time.ManualScheduler;
import io.switchboard.kafka.EmbeddedKafkaBroker;
import io.switchboard.kafka.KafkaEventSource;
import io.switchboard.nats.NatsEventSource;
import io.switchboard.redis.RedisEventSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The example {@code switchboard.yaml} (every source kind, two buses, correlation, a dead letter, an HTTP sink) loads,
 * runs and routes as the same application written with the Java builder: the same scripted events — records on the
 * in-JVM Kafka broker, messages on the local NATS server, entries on the local Redis server, a webhook POST and three
 * hours of a manual clock — give the same firings, the same HTTP requests and the same counters.
 */
class SwitchboardYamlTest {

    private static final Instant START = Instant.parse("2026-01-01T00:30:00Z");
    private static final String NATS_URL = "nats://127.0.0.1:4222";
    private static final String REDIS_HOST = "127.0.0.1:6379";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = new EmbeddedKafkaBroker().start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** What one run observed; equal for equivalent configurations. */
    record Outcome(List<String> firings, List<String> requests, Map<String, String> counters, List<String> sources,
                   List<String> triggers, Map<String, String> buses) {
    }

    /** Builds the application of a run: a builder (not built) for the run's environment, handlers already bound. */
    interface Application {
        Switchboard.Builder builder(Function<String, String> env, Map<String, Sink> handlers);
    }

    @Test
    void theExampleFileRoutesTheScriptedEventsAsTheEquivalentJavaBuilderDoes() throws Exception {
        Outcome fromFile = run(SwitchboardYamlTest::fromFile);
        Outcome inJava = run(SwitchboardYamlTest::inJava);

        assertThat(fromFile).isEqualTo(inJava);
        assertThat(fromFile.firings()).containsExactly(
                "dead-letter shop.order.created order-3 (ship failed: order-3 is out of stock)",
                "dead-letter shop.payment.settled order-3 (ship failed: order-3 is out of stock)",
                "intake io.switchboard.redis.entry {\"sku\":\"A1\",\"qty\":\"3\"}",
                "intake io.switchboard.redis.entry {\"sku\":\"B2\",\"qty\":\"5\"}",
                "intake shop.webhook hook-1",
                "ship order-1: created=shop.order.created paid=shop.payment.settled",
                "ship order-2: created=shop.order.created paid=shop.payment.settled",
                "ship order-3: created=shop.order.created paid=shop.payment.settled",
                "sweep clock.heartbeat@2026-01-01T01:00:00Z", // fixed rate: aligned to the hour
                "sweep clock.heartbeat@2026-01-01T02:00:00Z",
                "sweep clock.heartbeat@2026-01-01T03:00:00Z",
                "sweep clock.nightly@2026-01-01T02:00:00Z");
        assertThat(fromFile.requests()).containsExactly(
                "POST /invoices application/cloudevents-batch+json X-Shop=example [order-1 shop.order.created, order-1 shop.payment.settled]",
                "POST /invoices application/cloudevents-batch+json X-Shop=example [order-2 shop.order.created, order-2 shop.payment.settled]",
                "POST /invoices application/cloudevents-batch+json X-Shop=example [order-3 shop.order.created, order-3 shop.payment.settled]");
        assertThat(fromFile.buses()).containsOnlyKeys("default", "shop");
        assertThat(fromFile.sources()).containsExactlyInAnyOrder("clock.nightly", "clock.heartbeat", "webhooks.inbox",
                "orders.created", "bank.settled", "warehouse.stock");
    }

    @Test
    void theExampleFileConformsToThePublishedSchema() throws IOException {
        Object tree;
        try (InputStream in = SwitchboardYamlTest.class.getResourceAsStream("/switchboard.yaml")) {
            tree = new Load(LoadSettings.builder().build()).loadFromInputStream(in);
        }
        try (InputStream schema = Switchboard.class.getResourceAsStream("/io/switchboard/core/config/switchboard.schema.json")) {
            assertThat(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schema)
                    .validate(JSON.writeValueAsString(tree), InputFormat.JSON)).isEmpty();
        }
    }

    // ------------------------------------------------------------------ the two applications

    static Switchboard.Builder fromFile(Function<String, String> env, Map<String, Sink> handlers) {
        Switchboard.Builder b = Switchboard.builder().environment(env);
        try (InputStream in = SwitchboardYamlTest.class.getResourceAsStream("/switchboard.yaml")) {
            b.configuration(new InputStreamReader(in, StandardCharsets.UTF_8), "switchboard.yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        handlers.forEach(b::handler);
        return b;
    }

    /** The same application, written in Java. */
    static Switchboard.Builder inJava(Function<String, String> env, Map<String, Sink> handlers) {
        String run = env.apply("RUN");
        Subscriber.Builder invoice = Subscriber.builder("invoice").condition("created && paid").correlateBy("subject")
                .within(Duration.ofHours(1))
                .sink(Sink.http(HttpTarget.builder(URI.create(env.apply("BILLING_URL")))
                        .mode(HttpTarget.Mode.STRUCTURED).multipleEvents(HttpTarget.MultipleEvents.BATCH)
                        .timeout(Duration.ofSeconds(10)).header("X-Shop", "example").build()));
        return Switchboard.builder()
                .bus("default", "memory", Map.of())
                .bus("shop", "memory", Map.of("partitions", "4"))
                .source(CronSource.builder("clock.nightly").cron("0 2 * * *").type("shop.nightly").build())
                .source(TimerSource.builder("clock.heartbeat").fixedRate(Duration.ofHours(1)).type("shop.heartbeat").build())
                .source(HttpSource.builder("webhooks.inbox").host("127.0.0.1")
                        .port(Integer.parseInt(env.apply("HTTP_PORT"))).build())
                .source(KafkaEventSource.builder("orders.created").bootstrapServers(env.apply("KAFKA_BROKERS"))
                        .topics("shop-orders-" + run).property("group.id", "shop-" + run)
                        .property("auto.offset.reset", "earliest").build())
                .source(NatsEventSource.builder("bank.settled").servers(env.apply("NATS_URL"))
                        .subjects("shop.payments." + run).build())
                .source(RedisEventSource.builder("warehouse.stock").uri("redis://" + env.apply("REDIS_HOST"))
                        .stream("shop-stock-" + run, "shop").streamStart("0").build())
                .trigger(Trigger.builder("fulfilment").bus("shop")
                        .input("created", "orders.created", "type = 'shop.order.created'")
                        .input("paid", "bank.settled", "type = 'shop.payment.settled' AND amount > 0")
                        .subscriber(Subscriber.builder("ship").condition("created && paid").correlateBy("subject")
                                .within(Duration.ofHours(1)).sink(handlers.get("ship"))
                                .deadLetter(handlers.get("deadLetters")).deliveryPolicy(DeliveryPolicy.noRetries())
                                .build())
                        .subscriber(invoice.build())
                        .build())
                .trigger(Trigger.builder("housekeeping")
                        .input("nightly", "clock.nightly", null)
                        .input("heartbeat", "clock.heartbeat", null)
                        .subscriber("sweep", "nightly || heartbeat", handlers.get("sweep"))
                        .build())
                .trigger(Trigger.builder("intake")
                        .input("hook", "webhooks.inbox", null)
                        .input("stock", "warehouse.stock", null)
                        .subscriber("intake", "hook || stock", handlers.get("intake"))
                        .build());
    }

    // ------------------------------------------------------------------ one run

    private static Outcome run(Application application) throws Exception {
        String run = "r" + UUID.randomUUID().toString().substring(0, 8);
        List<String> firings = new CopyOnWriteArrayList<>();
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer billing = billing(requests);
        ManualScheduler time = new ManualScheduler(START);
        Map<String, String> env = Map.of("RUN", run, "KAFKA_BROKERS", kafka.bootstrapServers(), "NATS_URL", NATS_URL,
                "REDIS_HOST", REDIS_HOST, "HTTP_PORT", Integer.toString(freePort()),
                "BILLING_URL", "http://127.0.0.1:" + billing.getAddress().getPort() + "/invoices");
        Map<String, Sink> handlers = Map.of(
                "ship", Sink.firing(f -> ship(f, firings)),
                "deadLetters", Sink.handler(e -> firings.add("dead-letter " + e.getType() + " " + e.getSubject()
                        + " (ship failed: " + e.getExtension("dlerror") + ")")),
                "sweep", Sink.handler(e -> firings.add("sweep " + e.getId())),
                "intake", Sink.handler(e -> firings.add("intake " + e.getType() + " " + (e.getSubject() != null
                        ? e.getSubject() : new String(e.getData().toBytes(), StandardCharsets.UTF_8)))));
        try (Switchboard sb = application.builder(env::get, handlers).scheduler(time).build().start()) {
            script(run, env);
            await().atMost(Duration.ofSeconds(90)).until(() -> firings.size() >= 8 && requests.size() >= 3);
            time.advance(Duration.ofHours(3));
            await().atMost(Duration.ofSeconds(30)).until(() -> firings.size() >= 12);
            Map<String, String> counters = new TreeMap<>();
            for (SubscriberStats s : sb.runtime().stats()) {
                counters.put(s.trigger() + "/" + s.subscriber(), "received=" + s.received() + " matched=" + s.matched()
                        + " fired=" + s.fired() + " delivered=" + s.delivered() + " deadLettered=" + s.deadLettered());
            }
            return new Outcome(firings.stream().sorted().toList(), requests.stream().sorted().toList(), counters,
                    sb.runtime().sources(), sb.runtime().triggers(), sb.runtime().buses());
        } finally {
            billing.stop(0);
            try (RedisClient redis = RedisClient.create("redis://" + REDIS_HOST);
                 StatefulRedisConnection<String, String> c = redis.connect()) {
                c.sync().del("shop-stock-" + run);
            }
        }
    }

    private static void ship(Firing f, List<String> firings) {
        CloudEvent created = f.event("created");
        CloudEvent paid = f.event("paid");
        firings.add("ship " + created.getSubject() + ": created=" + created.getType() + " paid=" + paid.getType());
        if ("order-3".equals(created.getSubject())) {
            throw new IllegalStateException("order-3 is out of stock");
        }
    }

    /** The same events for every run: orders on Kafka, payments on NATS, stock on Redis, a webhook over HTTP. */
    private static void script(String run, Map<String, String> env) throws Exception {
        try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", env.get("KAFKA_BROKERS"), "linger.ms", 0),
                new StringSerializer(), new CloudEventSerializer())) {
            for (int i = 1; i <= 4; i++) {
                String type = i == 4 ? "shop.order.cancelled" : "shop.order.created";
                producer.send(new ProducerRecord<>("shop-orders-" + run, "order-" + i, event(type, "order-" + i, 0)))
                        .get();
            }
        }
        try (Connection nats = Nats.connect(NATS_URL)) {
            for (int i = 1; i <= 4; i++) {
                int amount = i == 4 ? 0 : 10 * i;
                nats.publish("shop.payments." + run, new Headers().put("Content-Type", "application/cloudevents+json"),
                        new JsonFormat().serialize(event("shop.payment.settled", "order-" + i, amount)));
            }
            nats.flush(Duration.ofSeconds(5));
        }
        try (RedisClient redis = RedisClient.create("redis://" + REDIS_HOST);
             StatefulRedisConnection<String, String> c = redis.connect()) {
            c.sync().xadd("shop-stock-" + run, entry("A1", "3"));
            c.sync().xadd("shop-stock-" + run, entry("B2", "5"));
        }
        HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + env.get("HTTP_PORT") + "/"))
                .header("Content-Type", "application/cloudevents+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new JsonFormat().serialize(event("shop.webhook", "hook-1", 0))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
    }

    private static Map<String, String> entry(String sku, String qty) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("sku", sku);
        fields.put("qty", qty);
        return fields;
    }

    private static CloudEvent event(String type, String subject, int amount) {
        return CloudEventBuilder.v1().withId(type + "-" + subject).withType(type).withSource(URI.create("/shop"))
                .withSubject(subject).withExtension("amount", amount).build();
    }

    /** The billing function: records each request (method, path, content type, header, the events it carried). */
    private static HttpServer billing(List<String> requests) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                JsonNode batch = JSON.readTree(exchange.getRequestBody());
                List<String> events = new ArrayList<>();
                batch.forEach(e -> events.add(e.get("subject").asText() + " " + e.get("type").asText()));
                events.sort(null);
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                        + exchange.getRequestHeaders().getFirst("Content-Type") + " X-Shop="
                        + exchange.getRequestHeaders().getFirst("X-Shop") + " " + events);
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        return server;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
