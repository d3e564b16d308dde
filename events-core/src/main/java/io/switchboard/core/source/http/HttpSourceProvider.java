package io.switchboard.core.source.http;

import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventSource;
import io.switchboard.core.source.support.ProviderConfig;
import io.switchboard.spi.EventSourceProvider;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Creates {@link HttpSource}s of type {@code http}. Keys (all optional): {@code host} (default 127.0.0.1),
 * {@code port} (default 8080, 0 = any free port), {@code max-body-size} (bytes, default 1048576),
 * {@code max-batch-events} (default 1000), {@code request-timeout} (default 30s), {@code read-timeout} (default 30s), {@code retry-after} (default 1s),
 * {@code shutdown-grace} (default 5s), {@code auth.bearer-token}, {@code auth.hmac-secret},
 * {@code auth.hmac-header} (default X-Signature-256), {@code callback.attempts} (default 5),
 * {@code callback.backoff} (default 1s), {@code callback.max-backoff} (default 30s), {@code callback.timeout}
 * (default 10s), {@code callback.allow} (comma-separated origins that {@code X-Callback-Url} may name, e.g.
 * {@code https://hooks.example.com, http://127.0.0.1:*}; without it asynchronous invocations are refused), and per
 * route a JSON Schema the events' data must satisfy: {@code schema.<route>.file} (a path),
 * {@code schema.<route>.resource} (a classpath resource) or {@code schema.<route>.json} (the schema's text), e.g.
 * {@code schema./apis/events.file=/etc/app/order.json} (see {@link HttpSource.Builder#schema}). Durations: {@code 90s}, {@code 1h30m} or ISO-8601. Stateless and thread-safe.
 */
public final class HttpSourceProvider implements EventSourceProvider {

    private static final Set<String> KEYS = Set.of("host", "port", "max-body-size", "max-batch-events",
            "request-timeout", "read-timeout", "retry-after", "shutdown-grace", "auth.bearer-token", "auth.hmac-secret",
            "auth.hmac-header", "callback.attempts", "callback.backoff", "callback.max-backoff", "callback.timeout", "callback.allow");

    private static final String SCHEMA = "schema.";

    @Override
    public String type() {
        return "http";
    }

    @Override
    public EventSource create(String name, Map<String, String> config) {
        // route schemas have open-ended keys (the route is part of the key); the rest is a fixed set
        Map<String, String> fixed = new LinkedHashMap<>();
        Map<String, String> schemaKeys = new LinkedHashMap<>();
        config.forEach((k, v) -> (k.startsWith(SCHEMA) ? schemaKeys : fixed).put(k, v));
        ProviderConfig c = new ProviderConfig(type(), name, fixed, KEYS);
        HttpSource.Builder b = HttpSource.builder(name);
        String key = null;
        try {
            for (Map.Entry<String, String> e : schemaKeys.entrySet()) {
                key = e.getKey();
                int dot = key.lastIndexOf('.');
                String form = key.substring(dot + 1);
                String route = key.substring(SCHEMA.length(), Math.max(SCHEMA.length(), dot));
                io.switchboard.api.JsonSchema spec = switch (form) {
                    case "file" -> io.switchboard.api.JsonSchema.file(java.nio.file.Path.of(e.getValue()));
                    case "resource" -> io.switchboard.api.JsonSchema.resource(e.getValue());
                    case "json" -> io.switchboard.api.JsonSchema.of(e.getValue());
                    default -> throw new ConfigurationException("http source '" + name + "': key '" + key + "' names"
                            + " no schema form: write schema.<route>.file, schema.<route>.resource or"
                            + " schema.<route>.json, e.g. schema./apis/events.file=order.json");
                };
                try {
                    b.schema(route, spec);
                } catch (ConfigurationException | IllegalArgumentException problem) {
                    throw new ConfigurationException(problem.getMessage() + " (key '" + key + "')", problem);
                }
            }
            if (c.has(key = "host")) {
                b.host(c.string(key));
            }
            if (c.has(key = "port")) {
                b.port(c.integer(key));
            }
            if (c.has(key = "max-body-size")) {
                b.maxBodySize(c.longValue(key));
            }
            if (c.has(key = "max-batch-events")) {
                b.maxBatchEvents(c.integer(key));
            }
            if (c.has(key = "request-timeout")) {
                b.requestTimeout(c.duration(key));
            }
            if (c.has(key = "read-timeout")) {
                b.readTimeout(c.duration(key));
            }
            if (c.has(key = "retry-after")) {
                b.retryAfter(c.duration(key));
            }
            if (c.has(key = "shutdown-grace")) {
                b.shutdownGrace(c.duration(key));
            }
            if (c.has(key = "auth.bearer-token")) {
                b.bearerToken(c.string(key));
            }
            if (c.has(key = "auth.hmac-secret")) {
                String header = c.has("auth.hmac-header") ? c.string("auth.hmac-header") : "X-Signature-256";
                b.hmacSha256(c.string(key).getBytes(StandardCharsets.UTF_8), header);
            }
            if (c.has("callback.attempts") || c.has("callback.backoff") || c.has("callback.max-backoff")) {
                // three keys feed one builder call: check each alone first, so that an error names its own key
                Integer attempts = c.integer(key = "callback.attempts");
                if (attempts != null && attempts < 1) {
                    throw new ConfigurationException(c.where(key) + ": must be at least 1, got " + attempts);
                }
                Duration backoff = positive(c, key = "callback.backoff");
                Duration maxBackoff = positive(c, key = "callback.max-backoff");
                b.callbackRetries(attempts != null ? attempts : 5, backoff != null ? backoff : Duration.ofSeconds(1),
                        maxBackoff != null ? maxBackoff : Duration.ofSeconds(30));
            }
            if (c.has(key = "callback.timeout")) {
                b.callbackTimeout(c.duration(key));
            }
            if (c.has(key = "callback.allow")) {
                b.allowCallbacksTo(c.string(key).split("\\s*,\\s*"));
            }
        } catch (ConfigurationException e) {
            throw e.getMessage().contains("key '") ? e : c.invalid(key, e);
        }
        return b.build();
    }

    private static Duration positive(ProviderConfig c, String key) {
        Duration d = c.duration(key);
        if (d != null && (d.isZero() || d.isNegative())) {
            throw new ConfigurationException(c.where(key) + ": must be positive, got " + d);
        }
        return d;
    }
}
