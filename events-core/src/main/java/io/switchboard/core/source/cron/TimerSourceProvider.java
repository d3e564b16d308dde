package io.switchboard.core.source.cron;

import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventSource;
import io.switchboard.core.source.support.ProviderConfig;
import io.switchboard.spi.EventSourceProvider;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Creates {@link TimerSource}s of type {@code timer}. Keys: exactly one of {@code fixed-rate} or {@code fixed-delay}
 * (a duration: {@code 10s}, {@code 1h30m}, ISO-8601), and the same optional keys as {@code cron} except
 * {@code schedule} and {@code zone} (misfire keys and {@code resume-after} for fixed rate only). Stateless and
 * thread-safe.
 */
public final class TimerSourceProvider implements EventSourceProvider {

    private static final Set<String> KEYS;

    static {
        Set<String> keys = new HashSet<>(TickConfig.KEYS);
        keys.add("fixed-rate");
        keys.add("fixed-delay");
        KEYS = Set.copyOf(keys);
    }

    @Override
    public String type() {
        return "timer";
    }

    @Override
    public EventSource create(String name, Map<String, String> config) {
        ProviderConfig c = new ProviderConfig(type(), name, config, KEYS);
        if (c.has("fixed-rate") == c.has("fixed-delay")) {
            throw new ConfigurationException("timer source '" + name + "' needs exactly one of the keys 'fixed-rate'"
                    + " or 'fixed-delay', e.g. fixed-rate=10s");
        }
        TimerSource.Builder b = TimerSource.builder(name);
        String key = c.has("fixed-rate") ? "fixed-rate" : "fixed-delay";
        Duration interval = c.duration(key);
        try {
            if (c.has("fixed-rate")) {
                b.fixedRate(interval);
            } else {
                b.fixedDelay(interval);
            }
        } catch (ConfigurationException e) {
            throw c.invalid(key, e);
        }
        TickConfig.apply(c, b.settings());
        return b.build();
    }
}
