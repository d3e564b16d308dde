package io.switchboard.spring;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code switchboard.*} model properties as the text the configuration-file loader reads, so properties and
 * {@code switchboard.yaml} share one loader and cannot drift apart.
 *
 * <p>Spring Boot binds the properties into nested maps with the keys as written and lists as maps keyed
 * {@code 0, 1, ...}; this class turns those back into lists, accepts the kebab-case spelling of the model's keys
 * ({@code correlate-by} for {@code correlateBy}), and renders JSON (a subset of YAML) with one key per line,
 * remembering the property name of each line so a problem the loader reports at a line is reported at its property.
 */
final class PropertiesModel {

    /** How the loader names the properties' text in problems (translated back by {@link #propertyAt}). */
    static final String SOURCE_NAME = "switchboard.* properties";

    /**
     * The model's keys, as the configuration-file loader spells them (docs/configuration.md). Only these are
     * converted from kebab-case: names the application chose (triggers, inputs, events, provider keys under
     * {@code properties}) are kept exactly as written.
     */
    static final Set<String> MODEL_KEYS = Set.of(
            // top level and triggers
            "eventSources", "eventBuses", "clusterEventBus", "triggers", "eventBus", "inputs", "subscribers",
            "eventSource", "event", "filter",
            // subscribers, sinks, delivery
            "name", "condition", "sink", "deadLetterSink", "topic", "deadLetterTopic", "correlateBy", "within",
            "resetOn", "maxKeys", "levelTriggered", "correlateLocally", "inline", "orderingKey", "concurrency",
            "queueCapacity", "whenFull", "blockTimeout", "rateLimit", "batch", "debounce", "delivery", "handler",
            "ref", "bus", "uri", "mode", "timeout", "headers", "bearerToken", "hmacSecret", "multipleEvents",
            "replyTopic", "kind",
            "namespace", "apiVersion", "maxAttempts", "initialBackoff", "maxBackoff", "multiplier", "jitter",
            "attemptTimeout", "permits", "period", "burst", "maxSize", "maxWait", "properties",
            // source and bus kinds' fields
            "data", "dataContentType", "type", "source", "misfire", "schedule", "zone", "fixedRate", "fixedDelay",
            "host", "port", "maxBodySize", "maxBatchEvents", "requestTimeout", "hmacHeader", "callbackAllow",
            "brokers", "topicPattern", "consumerGroup", "maxMessageBytes", "authRequired", "saslUsername",
            "saslPassword", "batchSize", "natsURL", "subject", "queueGroup", "stream", "durableSubscriptionName",
            "filterSubject", "ackWaitTime", "maxInFlight", "channels", "patterns", "streamStart", "keyspacePattern",
            "keyspaceEvents", "redisHost", "redisUsername", "redisPassword", "redisDB", "enableTLS", "partitions",
            "capacity", "maxDeliveries", "redeliveryBackoff", "topicPrefix", "encoding", "subjectPrefix", "keyPrefix",
            "shards",
            // kinds
            "memory", "kafka", "nats", "redis", "cron", "timer", "http",
            // event data: settings, named schemas, input schemas
            "schemas", "filters", "maxBytes", "maxDepth", "schema", "file", "resource", "json", "byDataschema");

    /** The model's top-level keys and the {@link SwitchboardProperties} property each comes from. */
    static final Map<String, String> ROOTS = Map.of("clusterEventBus", "cluster-event-bus", "eventBuses",
            "event-buses", "eventSources", "event-sources", "triggers", "triggers", "data", "data", "schemas",
            "schemas");

    private final String text;
    private final List<String> linePaths;

    private PropertiesModel(String text, List<String> linePaths) {
        this.text = text;
        this.linePaths = linePaths;
    }

    /** The model of {@code roots} (top-level key to bound value); empty roots are left out. */
    static PropertiesModel of(Map<String, Object> roots) {
        Writer w = new Writer();
        w.line("{", "switchboard");
        List<Map.Entry<String, Object>> present = new ArrayList<>();
        for (Map.Entry<String, Object> e : roots.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m && !m.isEmpty()) {
                present.add(e);
            }
        }
        for (int i = 0; i < present.size(); i++) {
            Map.Entry<String, Object> e = present.get(i);
            w.value(e.getKey(), normalize(e.getValue()), "switchboard." + ROOTS.get(e.getKey()),
                    i == present.size() - 1);
        }
        w.line("}", "switchboard");
        return new PropertiesModel(w.text.toString(), w.paths);
    }

    /** Whether there is anything to load. */
    boolean isEmpty() {
        return linePaths.size() <= 2;
    }

    /** The text for the loader. */
    String text() {
        return text;
    }

    /** The property shown at 1-based {@code line} of {@link #text()}, or {@code switchboard} when unknown. */
    String propertyAt(int line) {
        return line >= 1 && line <= linePaths.size() ? linePaths.get(line - 1) : "switchboard";
    }

    /** Maps keyed 0..n-1 become lists; kebab-case model keys become camelCase. Scalars stay text. */
    static Object normalize(Object value) {
        if (value instanceof Map<?, ?> map) {
            if (isIndexed(map)) {
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < map.size(); i++) {
                    list.add(normalize(map.get(String.valueOf(i))));
                }
                return list;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                String camel = camel(key);
                out.put(MODEL_KEYS.contains(camel) && !out.containsKey(camel) ? camel : key, normalize(e.getValue()));
            }
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(PropertiesModel::normalize).toList();
        }
        return value;
    }

    private static boolean isIndexed(Map<?, ?> map) {
        if (map.isEmpty()) {
            return false;
        }
        for (int i = 0; i < map.size(); i++) {
            if (!map.containsKey(String.valueOf(i))) {
                return false;
            }
        }
        return true;
    }

    static String camel(String key) {
        if (key.indexOf('-') < 0) {
            return key;
        }
        StringBuilder b = new StringBuilder(key.length());
        boolean up = false;
        for (char c : key.toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    /** Pretty JSON, one key or element per line, with the property name of each line. */
    private static final class Writer {
        final StringBuilder text = new StringBuilder();
        final List<String> paths = new ArrayList<>();
        int depth;

        void line(String s, String path) {
            text.append("  ".repeat(depth)).append(s).append('\n');
            paths.add(path);
        }

        void value(String key, Object value, String path, boolean last) {
            String prefix = key == null ? "" : quote(key) + ": ";
            String comma = last ? "" : ",";
            if (value instanceof Map<?, ?> map) {
                line(prefix + "{", path);
                depth++;
                int i = 0;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    String k = String.valueOf(e.getKey());
                    value(k, e.getValue(), path + (k.contains(".") ? "[" + k + "]" : "." + k), ++i == map.size());
                }
                depth--;
                line("}" + comma, path);
            } else if (value instanceof List<?> list) {
                line(prefix + "[", path);
                depth++;
                for (int i = 0; i < list.size(); i++) {
                    value(null, list.get(i), path + "[" + i + "]", i == list.size() - 1);
                }
                depth--;
                line("]" + comma, path);
            } else {
                line(prefix + (value == null ? "null" : quote(String.valueOf(value))) + comma, path);
            }
        }

        private static String quote(String s) {
            return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
        }
    }
}
