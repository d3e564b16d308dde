package io.switchboard.server;

import io.switchboard.api.HttpTarget;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.SubscriberStats;
import io.switchboard.api.Trigger;
import io.switchboard.api.TriggerInput;
import io.switchboard.core.RuntimeView;
import io.switchboard.core.Switchboard;
import io.switchboard.core.source.http.HttpSource;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The startup banner: what this process runs, in the order an event travels — sources (with where they listen or
 * what they connect to), buses, triggers with their inputs and subscribers (condition → sink, dead letter), and the
 * admin endpoint. Secrets in settings are never printed.
 */
final class Banner {

    /** Keys (or key parts) whose values are never printed. */
    private static final Set<String> SECRET_PARTS = Set.of("password", "secret", "token", "credential", "jaas",
            "key.password", "keystore", "truststore", "nkey", "jwt");

    private Banner() {
    }

    /**
     * @param triggers the triggers as declared, or an empty list when only the runtime's names are known
     * @param admin    the admin endpoint, or {@code null} when none runs ({@code --check})
     * @param started  whether the sources were started (an HTTP source then reports its bound address)
     */
    static String render(ServerOptions options, Switchboard switchboard, Inventory inventory, List<Trigger> triggers,
                         URI admin, boolean started) {
        RuntimeView runtime = switchboard.runtime();
        StringBuilder b = new StringBuilder();
        b.append("Switchboard router ").append(Version.current()).append('\n');
        b.append("  configuration  ").append(options.configuration().toAbsolutePath().normalize()).append('\n');

        b.append("  sources\n");
        Map<String, Inventory.ProvidedSource> provided = new LinkedHashMap<>();
        inventory.sources().forEach(s -> provided.put(s.name(), s));
        if (runtime.sources().isEmpty()) {
            b.append("    (none: only events published by the application itself)\n");
        }
        int width = width(runtime.sources());
        for (String name : runtime.sources()) {
            Inventory.ProvidedSource s = provided.get(name);
            b.append("    ").append(pad(name, width)).append("  ");
            if (s == null) {
                b.append("(created by the application)\n");
                continue;
            }
            b.append(pad(s.type(), 6)).append("  ");
            if (s.source() instanceof HttpSource http && started) {
                b.append(http.baseUri()).append("  (POST / CloudEvents, POST /apis/events webhooks)");
            } else {
                b.append(settings(s.config()));
            }
            b.append('\n');
        }

        b.append("  buses\n");
        Iterator<Inventory.ProvidedBus> created = inventory.buses().iterator();
        width = width(runtime.buses().keySet());
        for (Map.Entry<String, String> bus : runtime.buses().entrySet()) {
            b.append("    ").append(pad(bus.getKey(), width)).append("  ").append(bus.getValue());
            // buses declared by type are created in declaration order; the default in-memory one is not provided
            Inventory.ProvidedBus p = nextOfType(created, bus.getValue());
            if (p != null && !p.config().isEmpty()) {
                b.append("  ").append(settings(p.config()));
            }
            List<String> topics = runtime.consumedTopics().get(bus.getKey());
            if (topics != null && !topics.isEmpty()) {
                b.append("  consumes ").append(topics).append(" as group '").append(runtime.group()).append('\'');
            }
            b.append('\n');
        }

        b.append("  triggers\n");
        if (runtime.triggers().isEmpty()) {
            b.append("    (none)\n");
        }
        Map<String, Trigger> declared = new LinkedHashMap<>();
        triggers.forEach(t -> declared.put(t.name(), t));
        for (String name : runtime.triggers()) {
            Trigger t = declared.get(name);
            if (t == null) {
                b.append("    ").append(name).append('\n');
                for (SubscriberStats s : runtime.stats()) {
                    if (s.trigger().equals(name)) {
                        b.append("      ").append(s.subscriber()).append('\n');
                    }
                }
                continue;
            }
            b.append("    ").append(name).append(t.bus() == null ? "" : "  (bus " + t.bus() + ")").append('\n');
            for (TriggerInput in : t.inputs().values()) {
                b.append("      input ").append(in.name()).append(" ← ").append(in.source());
                if (in.filter() != null && !in.filter().isBlank()) {
                    b.append(" where ").append(in.filter());
                }
                b.append('\n');
            }
            for (Subscriber s : t.subscribers()) {
                b.append("      ").append(s.name()).append(": ")
                        .append(s.condition() == null ? String.join(" || ", t.inputs().keySet()) : s.condition())
                        .append(" → ").append(sink(s.sink()));
                if (s.deadLetter() != null) {
                    b.append(", dead letter → ").append(sink(s.deadLetter()));
                }
                b.append('\n');
            }
        }

        if (admin != null) {
            b.append("  admin          ").append(admin).append("  (GET /health, GET /metrics)\n");
        }
        return b.toString();
    }

    static String sink(Sink sink) {
        if (sink instanceof Sink.Http http) {
            HttpTarget t = http.target();
            return "POST " + t.uri() + " (" + t.mode().name().toLowerCase(Locale.ROOT) + ")";
        }
        if (sink instanceof Sink.Topic topic) {
            return "topic " + (topic.bus() == null ? "" : topic.bus() + "/") + topic.topic();
        }
        return sink == Loader.LOG_SINK ? "handler " + Loader.LOG_HANDLER : "handler";
    }

    private static Inventory.ProvidedBus nextOfType(Iterator<Inventory.ProvidedBus> created, String type) {
        // peek without consuming buses of other types: one list, walked once, in declaration order
        while (created.hasNext()) {
            Inventory.ProvidedBus p = created.next();
            if (p.type().equals(type)) {
                return p;
            }
        }
        return null;
    }

    /** The settings as {@code key=value} pairs, sorted, secrets masked, credentials in URIs removed. */
    static String settings(Map<String, String> config) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(config).forEach((k, v) -> parts.add(k + "=" + (secret(k) ? "****" : withoutUserInfo(v))));
        return String.join(", ", parts);
    }

    private static boolean secret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String part : SECRET_PARTS) {
            if (k.contains(part)) {
                return true;
            }
        }
        return false;
    }

    /** {@code redis://user:pw@host:6379/0} → {@code redis://****@host:6379/0}; other text unchanged. */
    static String withoutUserInfo(String value) {
        int scheme = value.indexOf("://");
        if (scheme < 0) {
            return value;
        }
        int at = value.indexOf('@', scheme + 3);
        int slash = value.indexOf('/', scheme + 3);
        if (at < 0 || (slash >= 0 && slash < at)) {
            return value;
        }
        return value.substring(0, scheme + 3) + "****" + value.substring(at);
    }

    private static int width(Iterable<String> names) {
        int w = 0;
        for (String n : names) {
            w = Math.max(w, n.length());
        }
        return Math.min(w, 24);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
