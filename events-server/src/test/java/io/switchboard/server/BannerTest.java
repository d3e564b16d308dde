package io.switchboard.server;

import io.switchboard.api.HttpTarget;
import io.switchboard.api.Sink;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BannerTest {

    @Test
    void neverPrintsSecretsOrCredentialsInUris() {
        String shown = Banner.settings(Map.of(
                "bootstrap.servers", "kafka-1:9092",
                "sasl.jaas.config", "PlainLoginModule required username=\"u\" password=\"p\";",
                "auth.bearer-token", "t0ken",
                "redis.uri", "redis://user:pw@redis-1:6379/0",
                "redis.password", "pw"));

        assertThat(shown).contains("bootstrap.servers=kafka-1:9092", "redis.uri=redis://****@redis-1:6379/0",
                "sasl.jaas.config=****", "auth.bearer-token=****", "redis.password=****");
        assertThat(shown).doesNotContain("t0ken", "pw@", "password=\"p\"");
    }

    @Test
    void leavesUrisWithoutCredentialsAlone() {
        assertThat(Banner.withoutUserInfo("nats://nats-1:4222")).isEqualTo("nats://nats-1:4222");
        assertThat(Banner.withoutUserInfo("http://host/path@x")).isEqualTo("http://host/path@x");
        assertThat(Banner.withoutUserInfo("plain text")).isEqualTo("plain text");
    }

    @Test
    void describesAnHttpSinkByMethodUrlAndModeAndATopicSinkByBusAndTopic() {
        assertThat(Banner.sink(Sink.http(HttpTarget.builder(URI.create("http://127.0.0.1:9000/ship"))
                .mode(HttpTarget.Mode.STRUCTURED).build()))).isEqualTo("POST http://127.0.0.1:9000/ship (structured)");
        assertThat(Banner.sink(Sink.topic("orders.dead"))).isEqualTo("topic orders.dead");
        assertThat(Banner.sink(Loader.LOG_SINK)).isEqualTo("handler log");
    }
}
