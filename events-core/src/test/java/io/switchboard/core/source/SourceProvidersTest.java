package io.switchboard.core.source;

import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventSource;
import io.switchboard.core.source.cron.CronSource;
import io.switchboard.core.source.cron.MisfirePolicy;
import io.switchboard.core.source.cron.TimerSource;
import io.switchboard.core.source.http.HttpSource;
import io.switchboard.spi.EventSourceProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceProvidersTest {

    private static final Map<String, EventSourceProvider> PROVIDERS = ServiceLoader.load(EventSourceProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .collect(Collectors.toMap(EventSourceProvider::type, Function.identity()));

    private static EventSource create(String type, String name, Map<String, String> config) {
        return PROVIDERS.get(type).create(name, config);
    }

    @Test
    void serviceLoaderFindsCronTimerAndHttp() {
        assertThat(PROVIDERS).containsKeys("cron", "timer", "http");
    }

    @Test
    void cronKeys() {
        CronSource s = (CronSource) create("cron", "nightly", Map.of("schedule", "30 2 * * *", "zone", "Europe/Berlin",
                "misfire", "catch-up", "misfire.max-age", "6h", "misfire.max-ticks", "10",
                "data", "{}", "data.content-type", "application/json", "resume-after", "2026-01-01T00:00:00Z"));

        assertThat(s.name()).isEqualTo("nightly");
        assertThat(s.schedule()).isEqualTo("30 2 * * *");
        assertThat(s.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(s.misfire().kind()).isEqualTo(MisfirePolicy.Kind.CATCH_UP);
        assertThat(s.misfire().maxAge()).isEqualTo(Duration.ofHours(6));
        assertThat(s.misfire().maxTicks()).isEqualTo(10);
        assertThat(s.eventFor(Instant.parse("2026-01-01T01:30:00Z")).getDataContentType()).isEqualTo("application/json");
    }

    @Test
    void timerKeys() {
        TimerSource rate = (TimerSource) create("timer", "beat", Map.of("fixed-rate", "PT10S", "misfire", "skip"));
        TimerSource delay = (TimerSource) create("timer", "poll", Map.of("fixed-delay", "1m30s", "type", "poll"));

        assertThat(rate.isFixedRate()).isTrue();
        assertThat(rate.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(delay.isFixedRate()).isFalse();
        assertThat(delay.interval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(delay.eventFor(Instant.EPOCH).getType()).isEqualTo("poll");
    }

    @Test
    void httpKeys() {
        assertThat(create("http", "ingress", Map.of("port", "0", "max-body-size", "2048", "auth.bearer-token", "t",
                "callback.attempts", "2", "request-timeout", "5s"))).isInstanceOf(HttpSource.class);
    }

    @Test
    void httpCallbackAllowlistEntriesAreCheckedAndNamed() {
        assertThat(create("http", "h", Map.of("callback.allow", "https://hooks.example, http://127.0.0.1:*")))
                .isInstanceOf(HttpSource.class);
        assertThatThrownBy(() -> create("http", "h", Map.of("callback.allow", "https://hooks.example, gopher://x")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("key 'callback.allow'")
                .hasMessageContaining("gopher://x");
    }

    @Test
    void mistakesNameTheSourceAndTheKey() {
        assertThatThrownBy(() -> create("cron", "c", Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("cron source 'c' needs key 'schedule'");
        assertThatThrownBy(() -> create("cron", "c", Map.of("schedule", "@daily", "shedule", "x")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown key(s) [shedule]");
        assertThatThrownBy(() -> create("cron", "c", Map.of("schedule", "* * *")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("key 'schedule'")
                .hasMessageContaining("Supported:");
        assertThatThrownBy(() -> create("cron", "c", Map.of("schedule", "@daily", "zone", "Mars/Olympus")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("key 'zone'");
        assertThatThrownBy(() -> create("cron", "c", Map.of("schedule", "@daily", "misfire", "sometimes")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("skip, fire-once or catch-up");
        assertThatThrownBy(() -> create("timer", "t", Map.of("fixed-rate", "1s", "fixed-delay", "1s")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> create("timer", "t", Map.of("fixed-rate", "soon")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("key 'fixed-rate'");
        assertThatThrownBy(() -> create("http", "h", Map.of("port", "99999")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("key 'port'");
        assertThatThrownBy(() -> create("http", "h", Map.of("port", "eighty")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("key 'port'");
    }
}
