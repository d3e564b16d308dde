package io.switchboard.core.source;

import io.switchboard.api.ConfigurationException;
import io.switchboard.core.source.cron.CronSourceProvider;
import io.switchboard.core.source.cron.TimerSourceProvider;
import io.switchboard.core.source.http.HttpSourceProvider;
import io.switchboard.spi.EventSourceProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Text configurations with zero, negative or unknown settings: refused at creation, naming the source and the key. */
class ProviderConfigBadInputTest {

    private static final Map<String, EventSourceProvider> PROVIDERS = Map.of("http", new HttpSourceProvider(),
            "cron", new CronSourceProvider(), "timer", new TimerSourceProvider());
    private static final Map<String, Map<String, String>> REQUIRED = Map.of("http", Map.of(),
            "cron", Map.of("schedule", "@daily"), "timer", Map.of("fixed-rate", "1s"));

    private static void create(String type, String key, String value) {
        Map<String, String> config = new HashMap<>(REQUIRED.get(type));
        config.put(key, value);
        PROVIDERS.get(type).create("src", config);
    }

    @ParameterizedTest(name = "{0} {1}={2}")
    @CsvSource({
            "http, port, -1",
            "http, port, 65536",
            "http, max-body-size, 0",
            "http, max-body-size, -5",
            "http, max-batch-events, 0",
            "http, request-timeout, 0s",
            "http, request-timeout, -1s",
            "http, read-timeout, 0s",
            "http, retry-after, -1s",
            "http, shutdown-grace, -1s",
            "http, callback.attempts, 0",
            "http, callback.attempts, -3",
            "http, callback.backoff, 0s",
            "http, callback.max-backoff, -1s",
            "http, callback.timeout, 0s",
            "cron, misfire.threshold, -1s",
            "timer, fixed-rate, 0s",
            "timer, fixed-rate, -10s",
    })
    void zeroAndNegativeNumbersAreRefusedNamingTheKey(String type, String key, String value) {
        assertThatThrownBy(() -> create(type, key, value))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'src'")
                .hasMessageContaining(key);
    }

    @ParameterizedTest(name = "{0} misfire=catch-up {1}={2}")
    @CsvSource({"cron, misfire.max-ticks, 0", "cron, misfire.max-ticks, -1", "cron, misfire.max-age, 0s",
            "timer, misfire.max-ticks, 0", "timer, misfire.max-age, -1m"})
    void catchUpLimitsMustBePositive(String type, String key, String value) {
        Map<String, String> config = new HashMap<>(REQUIRED.get(type));
        config.put("misfire", "catch-up");
        config.put(key, value);
        assertThatThrownBy(() -> PROVIDERS.get(type).create("src", config))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'src'")
                .hasMessageContaining("misfire");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"http, prot", "http, callback.allowed", "http, auth.token", "cron, schedul", "cron, misfire.maxticks",
            "timer, fixed_rate", "timer, zone"})
    void unknownKeysAreRefusedListingTheKnownOnes(String type, String key) {
        assertThatThrownBy(() -> create(type, key, "1"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown key(s) [" + key + "]")
                .hasMessageContaining("known keys are");
    }

    @ParameterizedTest(name = "{0} {1}={2}")
    @CsvSource({"http, port, 80.5", "http, max-body-size, lots", "http, callback.attempts, 1e3", "http, request-timeout, soon",
            "cron, misfire.threshold, 5 minutes", "timer, fixed-rate, fast"})
    void valuesOfTheWrongKindAreRefusedNamingTheKey(String type, String key, String value) {
        assertThatThrownBy(() -> create(type, key, value))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("key '" + key + "'");
    }
}
