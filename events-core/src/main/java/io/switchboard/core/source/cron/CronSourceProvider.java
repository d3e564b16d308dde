package io.switchboard.core.source.cron;

import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventSource;
import io.switchboard.core.source.support.ProviderConfig;
import io.switchboard.spi.EventSourceProvider;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Creates {@link CronSource}s of type {@code cron}. Keys: {@code schedule} (required: any supported expression),
 * {@code zone} (default UTC), {@code data}, {@code data.content-type} (default {@code text/plain; charset=utf-8}),
 * {@code type}, {@code source}, {@code misfire} ({@code skip}, {@code fire-once}, {@code catch-up}),
 * {@code misfire.max-age} (default 1h), {@code misfire.max-ticks} (default 100), {@code misfire.threshold}
 * (default 1m), {@code resume-after} (an ISO-8601 instant). Durations: {@code 90s}, {@code 1h30m} or ISO-8601.
 * Stateless and thread-safe.
 */
public final class CronSourceProvider implements EventSourceProvider {

    private static final Set<String> KEYS;

    static {
        Set<String> keys = new HashSet<>(TickConfig.KEYS);
        keys.add("schedule");
        keys.add("zone");
        KEYS = Set.copyOf(keys);
    }

    @Override
    public String type() {
        return "cron";
    }

    @Override
    public EventSource create(String name, Map<String, String> config) {
        ProviderConfig c = new ProviderConfig(type(), name, config, KEYS);
        CronSource.Builder b = CronSource.builder(name);
        try {
            b.cron(c.required("schedule", "\"0 2 * * *\" or \"@every 5m\""));
        } catch (ConfigurationException e) {
            throw c.invalid("schedule", e);
        }
        if (c.has("zone")) {
            try {
                b.zone(ZoneId.of(c.string("zone")));
            } catch (DateTimeException e) {
                throw new ConfigurationException(c.where("zone") + ": '" + c.string("zone")
                        + "' is not a time zone; use a region id such as Europe/Berlin or an offset such as +02:00");
            }
        }
        TickConfig.apply(c, b.settings());
        return b.build();
    }
}
