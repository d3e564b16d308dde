package com.example.shop;

import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;

/** The shop's routes: an order ships once it is created and paid. */
public final class ShopRoutes {

    private ShopRoutes() {
    }

    public static Switchboard.Builder configure(Switchboard.Builder builder, Sink ship) {
        return builder.trigger(Trigger.builder("orders")
                .input("created", "type = 'order.created'")                  // CESQL filters
                .input("paid", "type = 'payment.settled' AND amount >= 100")
                .subscriber(Subscriber.builder("ship")
                        .condition("created && paid").correlateBy("subject") // both, for the same order
                        .sink(ship)
                        .build())
                .build());
    }

    public static void main(String[] args) {
        Sink ship = Sink.handler(event -> System.out.println("shipping order " + event.getSubject()));
        try (Switchboard switchboard = configure(Switchboard.builder(), ship).build().start()) {
            // publish the application's events here: switchboard.publish(event)
        }
    }
}
