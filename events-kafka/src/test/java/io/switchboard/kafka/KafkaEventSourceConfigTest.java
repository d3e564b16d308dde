package io.switchboard.kafka;

import io.switchboard.api.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link KafkaEventSource}'s settings, from the builder and from text (the provider's form); no broker needed. */
class KafkaEventSourceConfigTest {

    private static KafkaEventSource fromMap(Map<String, String> extra) {
        Map<String, String> config = new java.util.HashMap<>(Map.of("bootstrap.servers", "127.0.0.1:9",
                KafkaEventSource.TOPICS, "orders"));
        config.putAll(extra);
        return (KafkaEventSource) new KafkaEventSourceProvider().create("orders", config);
    }

    @Test
    void revokeTimeoutDefaultsToTwoSecondsAndIsConfigurable() {
        assertThat(fromMap(Map.of()).revokeTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(fromMap(Map.of(KafkaEventSource.REVOKE_TIMEOUT, "PT7S")).revokeTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(KafkaEventSource.builder("s").bootstrapServers("h:1").topics("t").revokeTimeout(Duration.ofMillis(500))
                .build().revokeTimeout()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void duplicateSuppressionIsOffByDefaultAndTurnedOnByItsWindow() {
        assertThat(fromMap(Map.of()).toString()).doesNotContain("duplicatesWindow");
        assertThat(fromMap(Map.of(KafkaEventSource.DUPLICATES_WINDOW, "PT10M")).toString()).contains("duplicatesWindow=PT10M");
        assertThat(fromMap(Map.of(KafkaEventSource.DUPLICATES_WINDOW, "90000", KafkaEventSource.DUPLICATES_CAPACITY, "5"))
                .toString()).contains("duplicatesWindow=PT1M30S");
    }

    @Test
    void zeroOrNegativeSettingsAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> fromMap(Map.of(KafkaEventSource.REVOKE_TIMEOUT, "0")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("revoke timeout");
        assertThatThrownBy(() -> fromMap(Map.of(KafkaEventSource.DUPLICATES_WINDOW, "PT0S")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("duplicate window");
        assertThatThrownBy(() -> fromMap(Map.of(KafkaEventSource.DUPLICATES_WINDOW, "PT1M", KafkaEventSource.DUPLICATES_CAPACITY, "0")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("duplicate capacity");
        assertThatThrownBy(() -> fromMap(Map.of(KafkaEventSource.DUPLICATES_CAPACITY, "10")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(KafkaEventSource.DUPLICATES_WINDOW);
        assertThatThrownBy(() -> fromMap(Map.of(KafkaEventSource.BATCH_SIZE, "0")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("batch size");
        assertThatThrownBy(() -> fromMap(Map.of(KafkaEventSource.CONCURRENCY, "-1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("concurrency");
        assertThatThrownBy(() -> fromMap(Map.of(KafkaEventSource.MAX_IN_FLIGHT, "0")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("max in flight");
        assertThatThrownBy(() -> KafkaEventSource.builder("s").revokeTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("revoke timeout");
    }

    @Test
    void unknownSwitchboardKeysAreRefusedListingTheKnownOnes() {
        assertThatThrownBy(() -> fromMap(Map.of("switchboard.duplicate.window", "PT1M")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("switchboard.duplicate.window")
                .hasMessageContaining(KafkaEventSource.DUPLICATES_WINDOW)
                .hasMessageContaining(KafkaEventSource.REVOKE_TIMEOUT);
    }
}
