package io.switchboard.core.source.cron;

import io.switchboard.api.ConfigurationException;
import io.switchboard.core.source.support.ProviderConfig;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/** The configuration keys cron and timer providers share, applied to {@link TickSettings}. */
final class TickConfig {

    static final Set<String> KEYS = Set.of("data", "data.content-type", "type", "source", "misfire",
            "misfire.max-age", "misfire.max-ticks", "misfire.threshold", "resume-after");

    private TickConfig() {
    }

    static void apply(ProviderConfig c, TickSettings s) {
        if (c.has("data")) {
            String contentType = c.string("data.content-type");
            s.data(contentType != null ? contentType : "text/plain; charset=utf-8", c.string("data"));
        }
        if (c.has("type")) {
            s.type(c.string("type"));
        }
        if (c.has("source")) {
            try {
                s.source(new URI(c.string("source")));
            } catch (java.net.URISyntaxException e) {
                throw new ConfigurationException(c.where("source") + ": '" + c.string("source") + "' is not a URI");
            }
        }
        if (c.has("misfire")) {
            s.misfire(misfire(c));
        }
        Duration threshold = c.duration("misfire.threshold");
        if (threshold != null) {
            s.misfireThreshold(threshold);
        }
        if (c.has("resume-after")) {
            s.resumeAfter(c.instant("resume-after"));
        }
    }

    private static MisfirePolicy misfire(ProviderConfig c) {
        String value = c.string("misfire").toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (value) {
            case "skip" -> MisfirePolicy.skip();
            case "fire-once" -> MisfirePolicy.fireOnce();
            case "catch-up" -> {
                Duration maxAge = c.duration("misfire.max-age");
                Integer maxTicks = c.integer("misfire.max-ticks");
                try {
                    yield MisfirePolicy.catchUp(maxAge != null ? maxAge : Duration.ofHours(1),
                            maxTicks != null ? maxTicks : MisfirePolicy.DEFAULT_MAX_CATCH_UP_TICKS);
                } catch (ConfigurationException e) {
                    throw c.invalid("misfire", e);
                }
            }
            default -> throw new ConfigurationException(c.where("misfire") + ": '" + c.string("misfire")
                    + "' is not a policy; use skip, fire-once or catch-up");
        };
    }
}
