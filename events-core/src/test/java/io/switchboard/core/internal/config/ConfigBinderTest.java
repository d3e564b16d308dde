package io.switchboard.core.internal.config;

import io.switchboard.api.EventBus;
import io.switchboard.api.EventSource;
import io.switchboard.api.HttpTarget;
import io.switchboard.api.JsonSchema;
import io.switchboard.api.Sink;
import io.switchboard.api.SourceContext;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.api.TriggerInput;
import io.switchboard.core.bus.InMemoryEventBus;
import io.switchboard.core.source.cron.CronSourceProvider;
import io.switchboard.core.source.cron.TimerSourceProvider;
import io.switchboard.core.source.http.HttpSourceProvider;
import io.switchboard.spi.EventSourceProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The fields of a file become the providers' keys (OpenFunction names onto Switchboard settings), and sinks become
 * the runtime's sinks. Kafka, NATS and Redis providers are stood in for by ones that record what they are given:
 * this test is about the mapping, not the brokers (events-examples runs the same shapes on real ones).
 */
class ConfigBinderTest {

    private final Map<String, Map<String, String>> created = new LinkedHashMap<>();
    private final Map<String, Sink> handlers = new LinkedHashMap<>();

    private EventSourceProvider recording(String type) {
        return new EventSourceProvider() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public EventSource create(String name, Map<String, String> config) {
                created.put(type + " source " + name, config);
                return new EventSource() {
                    @Override
                    public String name() {
                        return name;
                    }

                    @Override
                    public void start(SourceContext context) {
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
    }

    private ConfigBinder.Result load(String yaml, Map<String, String> env) {
        Map<String, EventSourceProvider> sources = new LinkedHashMap<>();
        for (EventSourceProvider p : List.of(new CronSourceProvider(), new TimerSourceProvider(), new HttpSourceProvider(),
                recording("kafka"), recording("nats"), recording("redis"))) {
            sources.put(p.type(), p);
        }
        for (String h : List.of("ship", "audit", "latest", "book", "sweep")) {
            handlers.put(h, Sink.handler(e -> { }));
        }
        ConfigBinder.Result r = ConfigBinder.read(List.of(new ConfigBinder.File("complete.yaml", yaml)),
                new ConfigBinder.Context(env::get, handlers, sources, Set.of()));
        assertThat(r.problems()).isEmpty();
        r.create((namespace, type, config) -> {
            created.put(type + " bus " + namespace, config);
            return InMemoryEventBus.builder().build();
        });
        assertThat(r.problems()).isEmpty();
        return r;
    }

    private static String complete() throws IOException {
        try (var in = ConfigBinderTest.class.getResourceAsStream("/io/switchboard/core/config/complete.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void openFunctionFieldsBecomeTheProvidersKeys() throws IOException {
        load(complete(), Map.of("KAFKA_PASSWORD", "pa\"ss"));
        assertThat(created.get("kafka bus orders")).contains(entry("bootstrap.servers", "localhost:9092"),
                entry("switchboard.topic.prefix", "shop."), entry("switchboard.topic.partitions", "6"),
                entry("security.protocol", "SASL_PLAINTEXT"), entry("sasl.mechanism", "PLAIN"),
                entry("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"shop\" password=\"pa\\\"ss\";"),
                entry("switchboard.duplicates.window", "PT1M"));
        assertThat(created.get("nats bus payments")).contains(entry("servers", "nats://localhost:4222"),
                entry("switchboard.subject.prefix", "shop"), entry("switchboard.ack.wait", "PT30S"),
                entry("switchboard.max.ack.pending", "1000"));
        assertThat(created.get("redis bus audit")).contains(entry("redis.uri", "redis://localhost:6379/0"),
                entry("redis.username", "default"), entry("switchboard.key.prefix", "shop:"));
        assertThat(created.get("memory bus default")).containsOnly(entry("partitions", "4"), entry("capacity", "10000"),
                entry("maxDeliveries", "5"), entry("redeliveryBackoff", "PT0.1S"), entry("maxRedeliveryBackoff", "PT5S"));
        assertThat(created.get("kafka source shop.created")).containsOnly(entry("bootstrap.servers", "localhost:9092"),
                entry("switchboard.topics", "orders"), entry("group.id", "shop-orders"),
                entry("max.partition.fetch.bytes", "1048576"), entry("switchboard.batch.size", "1"),
                entry("switchboard.concurrency", "4"));
        assertThat(created.get("nats source bank.settled")).contains(entry("switchboard.subjects", "payments.settled"),
                entry("switchboard.queue.group", "shop"));
        assertThat(created.get("nats source bank.refunds")).contains(entry("switchboard.durable", "shop-refunds"),
                entry("switchboard.stream", "REFUNDS"), entry("switchboard.filter.subject", "refunds.>"));
        assertThat(created.get("redis source store.changes")).contains(entry("redis.uri", "redis://localhost:6379"),
                entry("switchboard.keyspace.events", "set,del"));
        assertThat(created.get("redis source store.news")).contains(entry("redis.uri", "redis://localhost:6379/0"),
                entry("switchboard.patterns", "news.*"));
    }

    @Test
    void sinksAndDeliveryOptionsBecomeTheSubscribersOfTheTriggers() throws IOException {
        ConfigBinder.Result r = load(complete(), Map.of("BILLING_TOKEN", "b-token"));
        Map<String, Trigger> triggers = new LinkedHashMap<>();
        r.triggers().forEach(t -> triggers.put(t.name(), t));
        assertThat(triggers).containsOnlyKeys("webhooks.sink", "orders", "payments", "housekeeping");
        Trigger orders = triggers.get("orders");
        assertThat(orders.bus()).isEqualTo("orders");
        assertThat(orders.inputs().get("created").source()).isEqualTo("shop.created");
        assertThat(orders.inputs().get("created").filter()).isEqualTo("type = 'order.created' AND data.total > 100");
        assertThat(orders.subscribers()).extracting(Subscriber::name)
                .containsExactly("ship", "audit", "subscriber-3", "subscriber-4", "latest");

        Subscriber ship = orders.subscribers().get(0);
        assertThat(ship.condition()).isEqualTo("created && all");
        assertThat(ship.correlateBy()).isEqualTo("subject");
        assertThat(ship.within()).isEqualTo(Duration.ofHours(1));
        assertThat(ship.resetCron()).isEqualTo("@daily");
        assertThat(ship.maxKeys()).isEqualTo(10000);
        assertThat(ship.queueCapacity()).isEqualTo(1024);
        assertThat(ship.deliveryPolicy().maxAttempts()).isEqualTo(5);
        assertThat(ship.deliveryPolicy().initialBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(ship.deliveryPolicy().attemptTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ship.deadLetter()).isInstanceOfSatisfying(Sink.Topic.class, t -> {
            assertThat(t.bus()).isEqualTo("orders");
            assertThat(t.topic()).isEqualTo("orders.dead");
        });
        assertThat(ship.sink()).isSameAs(handlers.get("ship"));

        assertThat(orders.subscribers().get(1).inline()).isTrue();
        Subscriber copy = orders.subscribers().get(2);
        assertThat(((Sink.Topic) copy.sink()).topic()).isEqualTo("orders.copy");
        assertThat(copy.rateLimit()).isEqualTo(new Subscriber.RateLimit(100, Duration.ofSeconds(1), 200));

        Subscriber billing = orders.subscribers().get(3);
        assertThat(billing.batching()).isEqualTo(new Subscriber.Batching(50, Duration.ofSeconds(2)));
        HttpTarget target = ((Sink.Http) billing.sink()).target();
        assertThat(target.uri()).hasToString("https://billing.example.com/batch");
        assertThat(target.mode()).isEqualTo(HttpTarget.Mode.BINARY);
        assertThat(target.multipleEvents()).isEqualTo(HttpTarget.MultipleEvents.BATCH);
        assertThat(target.headers()).containsOnly(entry("X-Tenant", "shop"));
        assertThat(target.bearerToken()).isEqualTo("b-token");
        assertThat(target.hmacSecret()).isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
        assertThat(target.replyTopic()).isEqualTo("billing.replies");

        assertThat(orders.subscribers().get(4).debounce()).isEqualTo(Duration.ofMillis(500));

        Trigger webhooks = triggers.get("webhooks.sink");
        assertThat(webhooks.inputs()).containsOnlyKeys("inbox");
        HttpTarget hook = ((Sink.Http) webhooks.subscribers().get(0).sink()).target();
        assertThat(hook.mode()).isEqualTo(HttpTarget.Mode.STRUCTURED);
        assertThat(hook.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(triggers.get("housekeeping").subscribers().get(0).condition()).isEqualTo("nightly || beat || app");
    }

    @Test
    void dataSettingsNamedSchemasAndInputSchemasAreRead() throws IOException {
        ConfigBinder.Result r = load(complete(), Map.of("KAFKA_PASSWORD", "x"));
        assertThat(r.dataFilters()).isTrue();
        assertThat(r.dataMaxBytes()).isEqualTo(65536);
        assertThat(r.dataMaxDepth()).isEqualTo(32);
        assertThat(r.schemas()).containsOnly(
                entry("https://example.com/order.v1.json", JsonSchema.of("{\"type\": \"object\", \"required\": [\"id\", \"total\"]}")),
                entry("https://example.com/switchboard.json",
                        JsonSchema.resource("io/switchboard/core/config/switchboard.schema.json")));
        Map<String, TriggerInput> inputs = new LinkedHashMap<>();
        r.triggers().forEach(t -> t.inputs().forEach((name, i) -> inputs.put(t.name() + "." + name, i)));
        assertThat(inputs.get("orders.created").schema()).isEqualTo(JsonSchema.byDataschema());
        // a mapping under json: becomes the schema's JSON, with YAML's numbers and lists kept as JSON types
        assertThat(inputs.get("housekeeping.app").schema()).isEqualTo(JsonSchema.of("{\"type\":\"object\","
                + "\"required\":[\"action\"],\"properties\":{\"action\":{\"type\":\"string\"},\"level\":{\"minimum\":1}}}"));
        assertThat(inputs.get("housekeeping.beat").schema()).isNull();
    }
}
