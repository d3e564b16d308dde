package io.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.cloudevents.CloudEvent;
import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.InvalidDataException;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Typed sinks: data mapped to application types with Jackson, replies serialised, mapping failures dead-lettered. */
@org.junit.jupiter.api.Timeout(30)
class TypedSinkTest {

    public record Order(int total, String currency) {
    }

    public record PricedLine(String sku, int unitPrice) {
    }

    public record Quote(int amount, String currency) {
    }

    private static void publish(Switchboard sb, CloudEvent e) {
        sb.publish(e).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    }

    @Test
    void aTypedHandlerReceivesTheDataAsItsType() {
        List<Order> orders = new CopyOnWriteArrayList<>();
        List<String> ids = new CopyOnWriteArrayList<>();
        try (Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("t").input("in", null)
                        .subscriber("h", null, Sink.handler(Order.class, (event, order) -> {
                            ids.add(event.getId());
                            orders.add(order);
                        })).build())
                .build().start()) {
            CloudEvent e = EventDataTest.order("{\"total\": 42, \"currency\": \"EUR\", \"unknown\": [1]}");
            publish(sb, e);
            await().atMost(Duration.ofSeconds(10)).until(() -> orders.size() == 1);
            assertThat(orders).containsExactly(new Order(42, "EUR"));
            assertThat(ids).containsExactly(e.getId());
        }
    }

    @Test
    void theApplicationsObjectMapperIsUsed() {
        List<PricedLine> lines = new CopyOnWriteArrayList<>();
        ObjectMapper snake = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        try (Switchboard sb = Switchboard.builder().objectMapper(snake)
                .trigger(Trigger.builder("t").input("in", null)
                        .subscriber(Subscriber.builder("h").inline()
                                .sink(Sink.handler(PricedLine.class, (event, line) -> lines.add(line))).build())
                        .build())
                .build().start()) {
            publish(sb, EventDataTest.order("{\"sku\": \"A-1\", \"unit_price\": 7}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.size() == 1);
            assertThat(lines).containsExactly(new PricedLine("A-1", 7));
        }
    }

    @Test
    void dataThatCannotBeMappedIsDeadLetteredWithoutRetryAndTheHandlerNeverRuns() {
        AtomicInteger calls = new AtomicInteger();
        List<CloudEvent> dead = new CopyOnWriteArrayList<>();
        try (Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("t").input("in", null)
                        .subscriber(Subscriber.builder("h")
                                .sink(Sink.handler(Order.class, (event, order) -> calls.incrementAndGet()))
                                .deliveryPolicy(DeliveryPolicy.builder().maxAttempts(5)
                                        .backoff(Duration.ofMillis(1), Duration.ofMillis(2), 2.0).build())
                                .deadLetter(Sink.handler(dead::add)).build())
                        .build())
                .build().start()) {
            CloudEvent wrongType = EventDataTest.order("{\"total\": \"lots\", \"currency\": \"EUR\"}");
            publish(sb, wrongType);
            publish(sb, EventDataTest.order("not json"));
            publish(sb, EventDataTest.order(null));
            await().atMost(Duration.ofSeconds(10)).until(() -> dead.size() == 3);
            assertThat(calls).hasValue(0);
            assertThat(dead).allSatisfy(letter -> {
                assertThat(letter.getExtension("dlreason")).isEqualTo("nonretryable");
                assertThat(letter.getExtension("dlattempts")).isEqualTo(1);
                assertThat(letter.getExtension("dlerrortype")).isEqualTo(InvalidDataException.class.getName());
                assertThat((String) letter.getExtension("dlerror")).contains("cannot be read as " + Order.class.getName());
            });
            CloudEvent first = dead.stream().filter(d -> d.getId().equals(wrongType.getId())).findFirst().orElseThrow();
            assertThat((String) first.getExtension("dlerror")).contains("Cannot deserialize value of type `int`");
            assertThat(dead).anySatisfy(d -> assertThat((String) d.getExtension("dlerror")).endsWith(
                    "cannot be read as " + Order.class.getName() + ": the event has no data"));
        }
    }

    @Test
    void aTypedReplyIsSerialisedAsTheReplyEventsData() throws Exception {
        try (Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("t").input("in", null)
                        .subscriber("h", null, Sink.replying(Order.class, "order.quoted",
                                (event, order) -> new Quote(order.total() * 2, order.currency()))).build())
                .build().start()) {
            CloudEvent request = EventDataTest.order("{\"total\": 21, \"currency\": \"USD\"}");
            CloudEvent reply = sb.request(request, Duration.ofSeconds(10)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(reply.getType()).isEqualTo("order.quoted");
            assertThat(reply.getSource()).isEqualTo(request.getSource());
            assertThat(reply.getDataContentType()).isEqualTo("application/json");
            assertThat(new ObjectMapper().readValue(reply.getData().toBytes(), Quote.class))
                    .isEqualTo(new Quote(42, "USD"));
        }
    }

    @Test
    void aTypedReplyHandlerMayReturnAnEventAsItIs() throws Exception {
        CloudEvent canned = Events.event("canned");
        try (Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("t").input("in", null)
                        .subscriber("h", null, Sink.replying(Order.class, "unused", (event, order) -> canned)).build())
                .build().start()) {
            CloudEvent reply = sb.request(EventDataTest.order("{\"total\": 1, \"currency\": \"USD\"}"),
                    Duration.ofSeconds(10)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(reply.getId()).isEqualTo(canned.getId());
            assertThat(reply.getType()).isEqualTo("canned");
        }
    }

    @Test
    void aTypedFiringHandlerReceivesTheBatchData() {
        List<List<Order>> batches = new CopyOnWriteArrayList<>();
        try (Switchboard sb = Switchboard.builder()
                .trigger(Trigger.builder("t").input("in", null)
                        .subscriber(Subscriber.builder("h").batch(2, Duration.ofSeconds(10))
                                .sink(Sink.firing(Order.class, (firing, data) -> {
                                    // element i is the data of batch event i
                                    for (int i = 0; i < data.size(); i++) {
                                        String json = new String(firing.batch().get(i).getData().toBytes(),
                                                java.nio.charset.StandardCharsets.UTF_8);
                                        if (!json.contains("\"total\": " + data.get(i).total() + ",")) {
                                            throw new AssertionError(json + " is not " + data.get(i));
                                        }
                                    }
                                    if (data.size() == firing.batch().size()) {
                                        batches.add(data);
                                    }
                                })).build())
                        .build())
                .build().start()) {
            publish(sb, EventDataTest.order("{\"total\": 1, \"currency\": \"EUR\"}"));
            publish(sb, EventDataTest.order("{\"total\": 2, \"currency\": \"EUR\"}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> batches.size() == 1);
            assertThat(batches.get(0)).containsExactlyInAnyOrder(new Order(1, "EUR"), new Order(2, "EUR"));
        }
    }
}
