package io.switchboard.kafka;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;

import java.util.Map;

/** Defaults the bus and the source give Kafka clients unless the user set the property. */
final class ClientDefaults {

    private ClientDefaults() {
    }

    static Map<String, Object> consumer(Map<String, Object> p) {
        // a new group starts at the beginning, so no event published after subscribe() returned can be missed
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // cooperative rebalancing: members keep the partitions they keep, so a rebalance does not stall all of them;
        // the broker-side protocol ("consumer") chooses assignments itself and rejects this setting
        Object protocol = p.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
        if (protocol == null || "classic".equalsIgnoreCase(String.valueOf(protocol))) {
            p.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }
        return p;
    }

    static Map<String, Object> admin(Map<String, Object> p) {
        p.keySet().retainAll(AdminClientConfig.configNames());
        return p;
    }
}
