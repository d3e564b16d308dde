package io.switchboard.spring.sample;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.api.Firing;
import io.switchboard.core.Switchboard;
import io.switchboard.spring.SwitchboardHandler;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/** The shop's handlers: named in application.yml by their {@link SwitchboardHandler} names. */
@Component
public class Shipping {

    /** An order as the shop's events carry it. */
    public record Order(String id, String item, int quantity) {
    }

    /** A shipment as {@code order.shipped} events carry it. */
    public record Shipment(String order, String item, int quantity) {
    }

    private final Switchboard switchboard;
    private final ShipmentLog shipments;

    public Shipping(Switchboard switchboard, ShipmentLog shipments) {
        this.switchboard = switchboard;
        this.shipments = shipments;
    }

    /** Fires when an order is both created and paid: ships it by publishing {@code order.shipped}. */
    @SwitchboardHandler("ship")
    public void ship(Firing firing) throws Exception {
        CloudEvent created = firing.event("created");
        Order order = Json.read(created, Order.class);
        String data = "{\"order\":\"" + order.id() + "\",\"item\":\"" + order.item() + "\",\"quantity\":"
                + order.quantity() + "}";
        switchboard.publish(CloudEventBuilder.v1().withId("shipped-" + order.id()).withType("order.shipped")
                        .withSource(URI.create("/shop/shipping")).withSubject(order.id())
                        .withDataContentType("application/json").withData(data.getBytes(StandardCharsets.UTF_8))
                        .build())
                .toCompletableFuture().join();
    }

    /** Notes every shipment; the payload parameter is the event's JSON data. */
    @SwitchboardHandler("notify")
    public void notify(Shipment shipment) {
        shipments.add(shipment);
    }
}
