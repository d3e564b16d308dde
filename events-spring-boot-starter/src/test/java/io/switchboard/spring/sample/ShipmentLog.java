package io.switchboard.spring.sample;

import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What shipped, in order. Thread-safe. */
@Component
public class ShipmentLog {

    private final List<Shipping.Shipment> shipments = new ArrayList<>();

    synchronized void add(Shipping.Shipment shipment) {
        shipments.add(shipment);
        notifyAll();
    }

    /** Every shipment so far. */
    public synchronized List<Shipping.Shipment> all() {
        return List.copyOf(shipments);
    }

    /** Waits until {@code count} shipments were noted. */
    public synchronized List<Shipping.Shipment> awaitCount(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (shipments.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("only " + shipments.size() + " of " + count + " shipments within "
                        + timeout + ": " + shipments);
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return List.copyOf(shipments);
    }
}
