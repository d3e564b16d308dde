package io.switchboard.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.util.Map;

class BrokerSmokeTest {
    @Test
    void startsAndRestarts() throws Exception {
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()) {
            long t0 = System.nanoTime();
            broker.start();
            System.out.println("started in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                System.out.println(admin.describeCluster().nodes().get());
            }
            t0 = System.nanoTime();
            broker.stop();
            System.out.println("stopped in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            t0 = System.nanoTime();
            broker.start();
            System.out.println("restarted in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                System.out.println(admin.describeCluster().nodes().get());
            }
        }
    }
}
