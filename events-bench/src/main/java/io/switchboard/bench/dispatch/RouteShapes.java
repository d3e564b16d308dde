package io.switchboard.bench.dispatch;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

import java.net.URI;
import java.util.Map;

/**
 * The routes every in-process peer benchmark builds, the same for every peer: route {@code i} of {@code n} matches
 * events of type {@code order.t<i / 10>} whose extension attribute {@code tenant} is {@code tenant-<i % 10>}; event
 * {@code i} of {@link #events} matches route {@code i} and no other. One route is route 0. With 100 routes there are 10
 * types with 10 tenants each, so an attribute filter is evaluated after the type has narrowed the routes down.
 */
final class RouteShapes {

    private RouteShapes() {
    }

    static String type(int route) {
        return "order.t" + route / 10;
    }

    static String tenant(int route) {
        return "tenant-" + route % 10;
    }

    /** Switchboard's input filter of route {@code i} (CESQL). */
    static String cesql(int route) {
        return "type = '" + type(route) + "' AND tenant = '" + tenant(route) + "'";
    }

    /**
     * Camel's filter of route {@code i} in its simple language, over the CloudEvents attributes carried as
     * {@code ce_*} headers (the names the CloudEvents Kafka binding gives them, and that Camel's Kafka component
     * delivers).
     */
    static String simple(int route) {
        return "${header.ce_type} == '" + type(route) + "' && ${header.ce_tenant} == '" + tenant(route) + "'";
    }

    static CloudEvent[] events(int routes) {
        CloudEvent[] events = new CloudEvent[routes];
        for (int i = 0; i < routes; i++) {
            events[i] = CloudEventBuilder.v1().withId("order-" + i).withType(type(i)).withSource(URI.create("/shop"))
                    .withSubject("alice").withExtension("tenant", tenant(i)).build();
        }
        return events;
    }

    /** The headers a Camel message carrying {@code event} has (built once, outside the measured path). */
    static Map<String, Object> headers(CloudEvent event) {
        return Map.of("ce_id", event.getId(), "ce_type", event.getType(), "ce_source", event.getSource().toString(),
                "ce_subject", event.getSubject(), "ce_tenant", event.getExtension("tenant"), "ce_specversion", "1.0");
    }
}
