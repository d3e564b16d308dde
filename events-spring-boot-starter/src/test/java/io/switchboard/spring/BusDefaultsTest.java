package io.switchboard.spring;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BusDefaultsTest {

    private static final Set<String> ALL = Set.of("memory", "kafka", "nats", "redis");

    @Test
    void springKafkaBootstrapServersMakeAKafkaDefaultBusJoiningAList() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("spring.kafka.bootstrap-servers[0]", "k1:9092")
                .withProperty("spring.kafka.bootstrap-servers[1]", "k2:9092");
        assertThat(new BusDefaults(ALL, env).inferDefaultBus())
                .isEqualTo(new BusDefaults.Inferred("kafka", Map.of("bootstrap.servers", "k1:9092,k2:9092")));
    }

    @Test
    void springDataRedisHostMakesARedisDefaultBus() {
        MockEnvironment env = new MockEnvironment().withProperty("spring.data.redis.host", "127.0.0.1")
                .withProperty("spring.data.redis.database", "2");
        assertThat(new BusDefaults(ALL, env).inferDefaultBus())
                .isEqualTo(new BusDefaults.Inferred("redis", Map.of("redis.uri", "redis://127.0.0.1:6379/2")));
    }

    @Test
    void twoConfiguredBrokersOrAMissingModuleMakeNoGuess() {
        MockEnvironment both = new MockEnvironment().withProperty("spring.kafka.bootstrap-servers", "k:9092")
                .withProperty("spring.data.redis.url", "redis://r:6379");
        assertThat(new BusDefaults(ALL, both).inferDefaultBus()).isNull();
        MockEnvironment kafka = new MockEnvironment().withProperty("spring.kafka.bootstrap-servers", "k:9092");
        assertThat(new BusDefaults(Set.of("memory", "redis"), kafka).inferDefaultBus()).isNull();
    }

    @Test
    void aDeclaredKafkaBusWithoutBrokersGetsSpringKafkasButKeepsItsOwn() {
        MockEnvironment env = new MockEnvironment().withProperty("spring.kafka.bootstrap-servers", "k:9092");
        BusDefaults defaults = new BusDefaults(ALL, env);
        assertThat(defaults.withBrokerAddresses(Map.of("kafka", Map.of("partitions", "3"))))
                .isEqualTo(Map.of("kafka", Map.of("partitions", "3", "brokers", "k:9092")));
        assertThat(defaults.withBrokerAddresses(Map.of("kafka", Map.of("brokers", "mine:1"))))
                .isEqualTo(Map.of("kafka", Map.of("brokers", "mine:1")));
    }
}
