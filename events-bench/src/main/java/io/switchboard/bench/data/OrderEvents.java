package io.switchboard.bench.data;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/** The benchmark payload: an order of about 1 KB of JSON whose {@code total} is 150, and events carrying it. */
final class OrderEvents {

    private OrderEvents() {
    }

    static final String JSON = """
            {"orderId": "ord-2026-000042", "total": 150, "currency": "EUR", "status": "created",
             "createdAt": "2026-05-01T12:00:00Z", "channel": "web", "priority": false,
             "customer": {"id": "c-981", "name": "Zoë Example", "email": "zoe@example.com", "tier": "gold",
                          "address": {"street": "Bahnhofstrasse 1", "city": "Zürich", "zip": "8001", "country": "CH"}},
             "lines": [
               {"sku": "A-100", "name": "Widget, large", "qty": 2, "unitPrice": 25, "tags": ["hardware", "bulk"]},
               {"sku": "B-200", "name": "Gadget", "qty": 1, "unitPrice": 60, "tags": ["electronics"]},
               {"sku": "C-300", "name": "Gizmo with a long descriptive name", "qty": 4, "unitPrice": 10, "tags": []}],
             "shipping": {"method": "express", "carrier": "PostCH", "cost": 0,
                          "window": {"from": "2026-05-02T08:00:00Z", "to": "2026-05-02T18:00:00Z"}},
             "payment": {"method": "card", "brand": "visa", "last4": "4242", "captured": false},
             "notes": "Leave at the reception desk; call on arrival. Fragile items inside, handle with care.",
             "metadata": {"campaign": "spring-sale", "referrer": "newsletter", "ab": "variant-b", "session": "s-77f1"}}
            """;

    static final byte[] BYTES = JSON.getBytes(StandardCharsets.UTF_8);

    /** A new event (its own identity) carrying the payload as bytes, as a bus or HTTP ingress delivers it. */
    static CloudEvent event(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/shop")).withType("order.created")
                .withData("application/json", BYTES).build();
    }
}
