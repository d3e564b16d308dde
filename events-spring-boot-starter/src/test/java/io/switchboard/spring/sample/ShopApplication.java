package io.switchboard.spring.sample;

import io.switchboard.core.Switchboard;
import io.switchboard.test.Events;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A small shop on Switchboard, configured in {@code application.yml}: an order ships once it is created and paid
 * (correlated by subject), and every shipment is noted. Handlers are {@link Shipping}'s annotated methods.
 *
 * <p>Run it with {@code mvn -B -q -DskipTests -pl events-spring-boot-starter -am test-compile exec:java}: it places
 * three orders, pays two, prints what shipped and exits. Its tests run it on the in-memory bus and on Kafka.
 */
@SpringBootApplication
public class ShopApplication {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(ShopApplication.class);
        app.setDefaultProperties(java.util.Map.of("shop.demo", "true"));
        ConfigurableApplicationContext context = app.run(args);
        System.exit(SpringApplication.exit(context));
    }

    /** The demonstration: runs only from {@link #main}, not in the tests. */
    @Bean
    @ConditionalOnBooleanProperty("shop.demo")
    ApplicationRunner demo(Switchboard switchboard, ShipmentLog shipments) {
        return args -> {
            for (String order : new String[] {"o-1", "o-2", "o-3"}) {
                switchboard.publish(Events.event("order.created").subject(order)
                        .data("{\"id\":\"" + order + "\",\"item\":\"lamp\",\"quantity\":2}").build())
                        .toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            for (String order : new String[] {"o-1", "o-3"}) {
                switchboard.publish(Events.event("payment.settled").subject(order)
                        .data("{\"order\":\"" + order + "\",\"amount\":4200}").build())
                        .toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            shipments.awaitCount(2, Duration.ofSeconds(30));
            shipments.all().forEach(s -> System.out.println("shipped " + s.order() + " (" + s.quantity() + " x "
                    + s.item() + ")"));
            System.out.println("o-2 waits for its payment; health: "
                    + switchboard.runtime().health().ready());
        };
    }
}
