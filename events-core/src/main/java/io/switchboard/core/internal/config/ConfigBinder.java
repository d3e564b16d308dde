package io.switchboard.core.internal.config;

import io.switchboard.api.DeliveryPolicy;
import io.switchboard.api.EventBus;
import io.switchboard.api.EventSource;
import io.switchboard.api.FullQueuePolicy;
import io.switchboard.api.HttpTarget;
import io.switchboard.api.Sink;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import io.switchboard.api.TriggerInput;
import io.switchboard.cesql.Cesql;
import io.switchboard.cesql.CesqlException;
import io.switchboard.core.config.ConfigurationProblems.Problem;
import io.switchboard.core.internal.cron.CronSchedule;
import io.switchboard.core.internal.cron.DurationText;
import io.switchboard.core.internal.trigger.ConditionCheck;
import io.switchboard.spi.EventSourceProvider;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads configuration files into the runtime's model: buses, sources (created through their providers) and triggers
 * whose sinks name handlers bound in code. Called by {@code Switchboard.Builder.build()} in two steps:
 * {@link #read} checks everything that needs no broker — syntax, keys, types, references, handlers, CESQL filters,
 * conditions, cron expressions, durations, environment variables — and {@link Result#create} then creates buses and
 * sources, locating a provider's complaint at the field it names. Every problem carries its file, line and column.
 */
public final class ConfigBinder {

    /**
     * A configuration file's name (as shown in problems) and text.
     *
     * @param base the directory relative {@code file:} paths resolve against (the file's own directory), or
     *             {@code null} for the working directory
     */
    public record File(String name, String text, java.nio.file.Path base) {
        /** A configuration whose relative paths resolve against the working directory. */
        public File(String name, String text) {
            this(name, text, null);
        }
    }

    /** Creates a bus of a type for a namespace (the runtime's replacement hook and ownership apply). */
    @FunctionalInterface
    public interface BusFactory {
        /** The bus, or {@code null} when no provider (and no replacement) answers to {@code type}. */
        EventBus create(String namespace, String type, Map<String, String> config);
    }

    /**
     * What the files are read against.
     *
     * @param env            looks up {@code ${VAR}}; {@code null} for undefined
     * @param handlers       handler sinks bound in code, by name
     * @param sourceTypes    source providers by type
     * @param builderBuses   bus namespaces declared by builder calls
     * @param builderData    the event-data settings made by builder calls
     */
    public record Context(Function<String, String> env, Map<String, Sink> handlers,
                          Map<String, EventSourceProvider> sourceTypes, Set<String> builderBuses,
                          BuilderData builderData) {
        /** A context without event-data settings made in code. */
        public Context(Function<String, String> env, Map<String, Sink> handlers,
                       Map<String, EventSourceProvider> sourceTypes, Set<String> builderBuses) {
            this(env, handlers, sourceTypes, builderBuses, new BuilderData(false, false, Set.of()));
        }
    }

    /**
     * The event-data settings made in code, which the files' {@code data} and {@code schemas} join.
     *
     * @param filters    whether {@code dataFilters()} was called
     * @param limits     whether {@code dataLimits(...)} was called
     * @param schemaUris the {@code dataschema} URIs registered with {@code schema(uri, ...)}
     */
    public record BuilderData(boolean filters, boolean limits, Set<String> schemaUris) {
    }

    // the keys of each level; the JSON Schema is checked against these (ConfigSchemaTest)
    static final List<String> ROOT = List.of("eventSources", "eventBuses", "clusterEventBus", "triggers", "data",
            "schemas");
    static final List<String> DATA = List.of("filters", "maxBytes", "maxDepth");
    static final List<String> SCHEMA = List.of("file", "resource", "json");
    /** The scalar value of an input's {@code schema} that selects a registered schema by the event's dataschema. */
    static final String BY_DATASCHEMA = "byDataschema";
    static final List<String> EVENT_SOURCE;
    static final List<String> TRIGGER = List.of("eventBus", "inputs", "subscribers");
    static final List<String> INPUT = List.of("eventSource", "event", "filter", "schema");
    static final List<String> SUBSCRIBER = List.of("name", "condition", "sink", "deadLetterSink", "topic",
            "deadLetterTopic", "correlateBy", "within", "resetOn", "maxKeys", "levelTriggered", "correlateLocally",
            "inline", "orderingKey", "concurrency", "queueCapacity", "whenFull", "blockTimeout", "rateLimit", "batch",
            "debounce", "delivery");
    static final List<String> SINK = List.of("handler", "ref", "topic", "bus", "uri", "mode", "timeout", "headers",
            "bearerToken", "hmacSecret", "multipleEvents", "replyTopic");
    static final List<String> REF = List.of("kind", "name", "namespace", "apiVersion");
    static final List<String> DELIVERY = List.of("maxAttempts", "initialBackoff", "maxBackoff", "multiplier", "jitter",
            "attemptTimeout");
    static final List<String> RATE_LIMIT = List.of("permits", "period", "burst");
    static final List<String> BATCH = List.of("maxSize", "maxWait");
    static final String PROPERTIES = "properties";

    static {
        List<String> es = new ArrayList<>(List.of("eventBus", "sink"));
        es.addAll(Kinds.SOURCES.keySet());
        EVENT_SOURCE = List.copyOf(es);
    }

    private static final Pattern QUOTED = Pattern.compile("'([^']+)'");
    /** Parses filters that read the data, to tell a data path from a mistake; the accessor is never called. */
    private static final io.switchboard.cesql.CesqlParser WITH_DATA = Cesql.builder().dataFields((event, path) -> null)
            .build();

    private ConfigBinder() {
    }

    /** Reads and checks {@code files}; nothing is created yet. */
    public static Result read(List<File> files, Context ctx) {
        Result result = new Result();
        for (File f : files) {
            new FileReader(new Yaml(f.name(), result.problems, ctx.env()), ctx, result, f.base()).read(f.text());
        }
        if (!ctx.builderData().filters() && !result.dataFilters) {
            for (Place p : result.dataPaths) {
                p.yaml().problem(p.node(), p.offset(), p.message(), "payload filters are off: enable them with"
                        + " 'data: {filters: true}' at the top level of the file (or Switchboard.builder().dataFilters())");
            }
        }
        if (result.schemas.isEmpty() && ctx.builderData().schemaUris().isEmpty()) {
            for (Place p : result.byDataschema) {
                p.yaml().problem(p.node(), p.offset(), p.message(), "register the schemas under 'schemas:' at the top"
                        + " level, keyed by their dataschema URI (or with Switchboard.builder().schema(uri, ...))");
            }
        }
        return result;
    }

    /** A bus to create, with the node of each provider key for locating a provider's complaint. */
    private record BusDecl(String namespace, String kind, Map<String, String> config, Map<String, Node> keyNodes,
                           Node kindNode, Yaml yaml) {
    }

    private record SourceDecl(String name, String kind, Map<String, String> config, Map<String, Node> keyNodes,
                              Node kindNode, Yaml yaml, EventSourceProvider provider) {
    }

    private record TriggerPlace(Yaml yaml, Node node) {
    }

    /** A problem that depends on all files (and the builder), reported once they are read. */
    private record Place(Yaml yaml, Node node, int offset, String message) {
    }

    /** What the files declare, checked; {@link #create} makes their buses and sources. */
    public static final class Result {
        private final List<Problem> problems = new ArrayList<>();
        private final List<BusDecl> busDecls = new ArrayList<>();
        private final List<SourceDecl> sourceDecls = new ArrayList<>();
        private final List<Trigger> triggers = new ArrayList<>();
        private final Map<String, TriggerPlace> triggerPlaces = new LinkedHashMap<>();
        private final Map<String, EventBus> buses = new LinkedHashMap<>();
        private final List<EventSource> sources = new ArrayList<>();
        private final List<Place> dataPaths = new ArrayList<>();
        private final List<Place> byDataschema = new ArrayList<>();
        private final Map<String, io.switchboard.api.JsonSchema> schemas = new LinkedHashMap<>();
        private Node dataAt;
        private boolean dataFilters;
        private int dataMaxBytes = -1;
        private int dataMaxDepth = -1;
        private io.switchboard.core.internal.data.Schemas compiler;

        /** Whether a file enables payload filters ({@code data.filters: true}). */
        public boolean dataFilters() {
            return dataFilters;
        }

        /** {@code data.maxBytes} of the files, or -1 when not set (the default applies). */
        public int dataMaxBytes() {
            return dataMaxBytes;
        }

        /** {@code data.maxDepth} of the files, or -1 when not set (the default applies). */
        public int dataMaxDepth() {
            return dataMaxDepth;
        }

        /** The named schemas of the files' {@code schemas}, by dataschema URI. */
        public Map<String, io.switchboard.api.JsonSchema> schemas() {
            return schemas;
        }

        /** Problems found so far, unsorted. */
        public List<Problem> problems() {
            return problems;
        }

        /** Bus namespaces the files declare ({@code default} for {@code clusterEventBus}). */
        public Set<String> busNamespaces() {
            Set<String> names = new LinkedHashSet<>();
            busDecls.forEach(b -> names.add(b.namespace()));
            return names;
        }

        public List<Trigger> triggers() {
            return triggers;
        }

        /** Buses created by {@link #create}. */
        public Map<String, EventBus> buses() {
            return buses;
        }

        /** Sources created by {@link #create}. */
        public List<EventSource> sources() {
            return sources;
        }

        /**
         * Creates the buses (through {@code factory}) and the sources (through their providers); a provider's
         * complaint is added to {@link #problems()} at the field whose provider key it names.
         */
        public void create(BusFactory factory) {
            for (BusDecl b : busDecls) {
                try {
                    EventBus bus = factory.create(b.namespace(), b.kind(), b.config());
                    if (bus == null) {
                        String module = Kinds.MODULES.getOrDefault(b.kind(), "events-" + b.kind());
                        b.yaml().problem(b.kindNode(), b.kind() + " buses need module " + module + ", which is not on"
                                + " the class path", "add the dependency io.switchboard:" + module
                                + " (or register a provider)");
                        continue;
                    }
                    buses.put(b.namespace(), bus);
                } catch (RuntimeException e) {
                    locate(b.yaml(), b.kindNode(), b.keyNodes(), b.kind() + " bus '" + b.namespace()
                            + "' could not be created: " + e.getMessage());
                }
            }
            for (SourceDecl s : sourceDecls) {
                try {
                    sources.add(s.provider().create(s.name(), s.config()));
                } catch (RuntimeException e) {
                    locate(s.yaml(), s.kindNode(), s.keyNodes(), s.kind() + " event source '" + s.name()
                            + "' could not be created: " + e.getMessage());
                }
            }
        }

        private static void locate(Yaml yaml, Node fallback, Map<String, Node> keyNodes, String message) {
            Node at = fallback;
            String field = null;
            var m = QUOTED.matcher(message);
            while (m.find() && field == null) {
                for (Map.Entry<String, Node> e : keyNodes.entrySet()) {
                    if (e.getKey().equals(m.group(1))) {
                        at = e.getValue();
                        field = e.getKey();
                        break;
                    }
                }
            }
            yaml.problem(at, message, field == null ? "correct the settings of this entry"
                    : "correct this value (provider key '" + field + "')");
        }

        /**
         * A problem for a runtime message about one of the files' triggers ({@code trigger 'name' …}), placed at
         * the trigger; {@code null} when the message is about something else.
         */
        public Problem locate(String message) {
            var m = Pattern.compile("^trigger '([^']+)'").matcher(message);
            if (m.find()) {
                TriggerPlace p = triggerPlaces.get(m.group(1));
                if (p != null) {
                    return new Problem(p.yaml().file, Yaml.line(p.node()), Yaml.column(p.node()), message, "");
                }
            }
            return null;
        }
    }

    /** Reads one file. */
    private static final class FileReader {
        private final Yaml y;
        private final Context ctx;
        private final Result result;
        /** Event sources by name: their bus (namespace) and events by name with their source names. */
        private final Map<String, String> sourceBus = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> sourceEvents = new LinkedHashMap<>();
        private final Set<String> buses = new LinkedHashSet<>();
        /** The handler name the last {@link #sink} call resolved (names a subscriber that has no name of its own). */
        private String lastHandler;
        private final java.nio.file.Path base;

        FileReader(Yaml y, Context ctx, Result result, java.nio.file.Path base) {
            this.y = y;
            this.ctx = ctx;
            this.result = result;
            this.base = base;
        }

        void read(String text) {
            Optional<Node> root = y.compose(text);
            if (root.isEmpty()) {
                return;
            }
            Map<String, NodeTuple> top = fields(root.get(), ROOT, "the file", "top level");
            if (top == null) {
                return;
            }
            buses.addAll(ctx.builderBuses());
            buses.add("default");
            NodeTuple data = top.get("data");
            if (data != null) {
                data(data);
            }
            NodeTuple schemas = top.get("schemas");
            if (schemas != null) {
                for (NodeTuple t : named(schemas, "schemas", "a schema")) {
                    String uri = y.key(t);
                    if (uri == null) {
                        continue;
                    }
                    if (ctx.builderData().schemaUris().contains(uri)) {
                        y.problem(t.getKeyNode(), "schema '" + uri + "' is also registered with"
                                + " Switchboard.builder().schema(\"" + uri + "\", ...)", "register each dataschema once:"
                                + " in the file or in code");
                        continue;
                    }
                    if (result.schemas.containsKey(uri)) {
                        y.problem(t.getKeyNode(), "schema '" + uri + "' is registered by another configuration file",
                                "register each dataschema once");
                        continue;
                    }
                    io.switchboard.api.JsonSchema s = schema(t.getValueNode(), "schema '" + uri + "'", false);
                    if (s != null) {
                        result.schemas.put(uri, s);
                    }
                }
            }
            NodeTuple cluster = top.get("clusterEventBus");
            if (cluster != null) {
                bus("default", cluster.getKeyNode(), cluster.getValueNode());
            }
            NodeTuple eventBuses = top.get("eventBuses");
            if (eventBuses != null) {
                for (NodeTuple t : named(eventBuses, "eventBuses", "a bus namespace")) {
                    String ns = y.key(t);
                    if (ns == null || !name(t.getKeyNode(), ns, "bus namespace")) {
                        continue;
                    }
                    if (ns.equals("default")) {
                        y.problem(t.getKeyNode(), "bus namespace 'default' is the cluster event bus",
                                "declare it under clusterEventBus instead of eventBuses");
                        continue;
                    }
                    bus(ns, t.getKeyNode(), t.getValueNode());
                }
            }
            NodeTuple sources = top.get("eventSources");
            if (sources != null) {
                for (NodeTuple t : named(sources, "eventSources", "an event source")) {
                    String es = y.key(t);
                    if (es != null && name(t.getKeyNode(), es, "event source")) {
                        eventSource(es, t);
                    }
                }
            }
            NodeTuple triggers = top.get("triggers");
            if (triggers != null) {
                for (NodeTuple t : named(triggers, "triggers", "a trigger")) {
                    String name = y.key(t);
                    if (name != null && name(t.getKeyNode(), name, "trigger")) {
                        trigger(name, t);
                    }
                }
            }
        }

        // ---------------------------------------------------------------- event data

        private void data(NodeTuple entry) {
            Map<String, NodeTuple> f = fields(entry.getValueNode(), DATA, "data", "data");
            if (f == null) {
                return;
            }
            if (result.dataAt != null) {
                y.problem(entry.getKeyNode(), "data settings appear in more than one configuration file",
                        "keep them in one file");
                return;
            }
            result.dataAt = entry.getKeyNode();
            NodeTuple filters = f.get("filters");
            if (filters != null) {
                String v = value(filters.getValueNode(), Kinds.Type.BOOLEAN, "filters");
                result.dataFilters = "true".equals(v);
            }
            NodeTuple bytes = f.get("maxBytes");
            NodeTuple depth = f.get("maxDepth");
            if (bytes == null && depth == null) {
                return;
            }
            NodeTuple first = bytes != null ? bytes : depth;
            if (ctx.builderData().limits()) {
                y.problem(first.getKeyNode(), "data limits are also set with Switchboard.builder().dataLimits(...)",
                        "set them in one place: in the file or in code");
                return;
            }
            Integer b = bytes == null ? Integer.valueOf(io.switchboard.core.internal.data.JsonData.DEFAULT_MAX_BYTES)
                    : intValue(bytes.getValueNode(), "maxBytes");
            Integer d = depth == null ? Integer.valueOf(io.switchboard.core.internal.data.JsonData.DEFAULT_MAX_DEPTH)
                    : intValue(depth.getValueNode(), "maxDepth");
            if (b == null || d == null) {
                return;
            }
            // the builder's checks, so the file and the code accept the same limits
            int before = y.problems.size();
            Node at = b < 1 && bytes != null ? bytes.getValueNode() : depth != null ? depth.getValueNode()
                    : bytes.getValueNode();
            apply(at, () -> io.switchboard.core.Switchboard.builder().dataLimits(b, d));
            if (y.problems.size() == before) {
                result.dataMaxBytes = b;
                result.dataMaxDepth = d;
            }
        }

        /**
         * A JSON Schema given as {@code {file|resource|json: ...}} (or {@code byDataschema} where allowed), read and
         * compiled now so that a missing file or an invalid schema is reported at its place.
         */
        private io.switchboard.api.JsonSchema schema(Node node, String what, boolean byDataschemaAllowed) {
            String forms = "file: <path>, resource: <classpath name> or json: <the schema>";
            if (node instanceof ScalarNode s && !Yaml.isNull(node)) {
                String v = y.text(s);
                if (byDataschemaAllowed && BY_DATASCHEMA.equals(v)) {
                    return io.switchboard.api.JsonSchema.byDataschema();
                }
                y.problem(node, what + " must be " + (byDataschemaAllowed ? "'" + BY_DATASCHEMA + "' or " : "")
                        + "a mapping with one of " + SCHEMA + ", got '" + v + "'", byDataschemaAllowed
                        ? suggest(v, List.of(BY_DATASCHEMA), "write " + BY_DATASCHEMA + ", or {" + forms + "}")
                        : "write {" + forms + "}");
                return null;
            }
            int before = y.problems.size();
            Map<String, NodeTuple> f = fields(node, SCHEMA, what, what);
            if (f == null || y.problems.size() != before) {
                return null;
            }
            if (f.size() != 1) {
                y.problem(f.isEmpty() ? node : new ArrayList<>(f.values()).get(1).getKeyNode(), what + " must have"
                        + " exactly one of " + SCHEMA + ", found " + (f.isEmpty() ? "none" : f.keySet()),
                        "keep one: " + forms);
                return null;
            }
            NodeTuple t = f.values().iterator().next();
            String form = ((ScalarNode) t.getKeyNode()).getValue();
            Node value = t.getValueNode();
            io.switchboard.api.JsonSchema spec;
            String fix;
            switch (form) {
                case "file" -> {
                    String v = str(value, "file");
                    if (v == null) {
                        return null;
                    }
                    java.nio.file.Path path = java.nio.file.Path.of(v);
                    if (!path.isAbsolute() && base != null) {
                        path = base.resolve(path);
                    }
                    if (!java.nio.file.Files.isRegularFile(path)) {
                        y.problem(value, "JSON Schema file '" + v + "' of " + what + " does not exist", "check the"
                                + " path; a relative path is resolved against the configuration file's directory");
                        return null;
                    }
                    spec = io.switchboard.api.JsonSchema.file(path);
                    fix = "correct the schema in " + v + " (JSON Schema 2020-12 unless it names its $schema)";
                }
                case "resource" -> {
                    String v = str(value, "resource");
                    if (v == null) {
                        return null;
                    }
                    try {
                        spec = io.switchboard.api.JsonSchema.resource(v);
                    } catch (RuntimeException e) {
                        y.problem(value, what + ": " + e.getMessage(), "write the resource name, e.g."
                                + " schemas/order.json");
                        return null;
                    }
                    fix = "check the resource name (no leading slash) and the schema in it";
                }
                default -> {
                    String text;
                    if (value instanceof ScalarNode s && !Yaml.isNull(value)) {
                        text = y.text(s);
                    } else if (value instanceof MappingNode) {
                        text = json(value).toString();
                    } else {
                        y.problem(value, "json of " + what + " must be the schema as a mapping or as JSON text, got "
                                + Yaml.kindOf(value), "write the schema under json:, e.g. json: {type: object}");
                        return null;
                    }
                    spec = io.switchboard.api.JsonSchema.of(text);
                    fix = "correct the schema (JSON Schema 2020-12 unless it names its $schema)";
                }
            }
            if (result.compiler == null) {
                result.compiler = new io.switchboard.core.internal.data.Schemas();
            }
            try {
                result.compiler.compile(spec);
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                y.problem(value, what + " is not usable: " + (m.startsWith(spec.toString()) ? "it"
                        + m.substring(spec.toString().length()) : m), fix);
                return null;
            }
            return spec;
        }

        /** A YAML node as JSON; plain scalars keep the type YAML resolved for them (number, boolean, null). */
        private com.fasterxml.jackson.databind.JsonNode json(Node node) {
            var factory = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
            if (node instanceof MappingNode m) {
                var o = factory.objectNode();
                for (NodeTuple t : m.getValue()) {
                    String k = y.key(t);
                    if (k != null) {
                        o.set(k, json(t.getValueNode()));
                    }
                }
                return o;
            }
            if (node instanceof SequenceNode s) {
                var a = factory.arrayNode();
                s.getValue().forEach(n -> a.add(json(n)));
                return a;
            }
            ScalarNode s = (ScalarNode) node;
            String v = y.text(s);
            var tag = s.getTag();
            try {
                if (tag.equals(org.snakeyaml.engine.v2.nodes.Tag.NULL)) {
                    return factory.nullNode();
                }
                if (tag.equals(org.snakeyaml.engine.v2.nodes.Tag.BOOL)) {
                    return factory.booleanNode(Boolean.parseBoolean(v));
                }
                if (tag.equals(org.snakeyaml.engine.v2.nodes.Tag.INT)) {
                    return factory.numberNode(new java.math.BigInteger(v));
                }
                if (tag.equals(org.snakeyaml.engine.v2.nodes.Tag.FLOAT)) {
                    return factory.numberNode(new java.math.BigDecimal(v));
                }
            } catch (NumberFormatException e) {
                // a form JSON has no number for (e.g. .inf): keep the text
            }
            return factory.textNode(v);
        }

        // ---------------------------------------------------------------- buses

        private void bus(String ns, Node keyNode, Node value) {
            String what = ns.equals("default") ? "clusterEventBus" : "event bus '" + ns + "'";
            if (ctx.builderBuses().contains(ns)) {
                y.problem(keyNode, "bus '" + ns + "' is also declared with Switchboard.builder().bus(\"" + ns
                        + "\", ...)", "declare each bus once: in the file or in code");
                return;
            }
            if (value instanceof MappingNode m && m.getValue().size() == 1 && m.getValue().get(0).getKeyNode()
                    instanceof ScalarNode k && k.getValue().equals("natsStreaming")) {
                y.problem(k, "NATS Streaming (STAN) is not supported", "use 'nats' (NATS JetStream) with the same"
                        + " natsURL");
                buses.add(ns);
                return;
            }
            int before = y.problems.size();
            Map<String, NodeTuple> kinds = fields(value, List.copyOf(Kinds.BUSES.keySet()), what, what);
            buses.add(ns);
            if (kinds == null || y.problems.size() != before) {
                return;
            }
            if (kinds.size() != 1) {
                y.problem(kinds.isEmpty() ? keyNode : new ArrayList<>(kinds.values()).get(1).getKeyNode(),
                        what + " must have exactly one kind, " + (kinds.isEmpty() ? "found none" : "found " + kinds.keySet()),
                        "keep one of " + Kinds.BUSES.keySet());
                return;
            }
            NodeTuple kindEntry = kinds.values().iterator().next();
            String kind = ((ScalarNode) kindEntry.getKeyNode()).getValue();
            // a kind without its provider is reported when the bus is created: a replacement (replaceBuses, the test
            // harness) may stand in for it
            Map<String, Node> keyNodes = new LinkedHashMap<>();
            Map<String, String> config = kindSettings(kindEntry, Kinds.BUSES.get(kind), kind + " bus '" + ns + "'",
                    keyNodes);
            if (config != null) {
                result.busDecls.add(new BusDecl(ns, kind, config, keyNodes, kindEntry.getKeyNode(), y));
            }
        }

        // ---------------------------------------------------------------- sources

        private void eventSource(String es, NodeTuple entry) {
            String what = "event source '" + es + "'";
            Node value = entry.getValueNode();
            if (value instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("mqtt")) {
                        y.problem(k, "MQTT event sources are not supported", "bridge MQTT to an http, kafka, nats or"
                                + " redis event source");
                    }
                }
            }
            int before = y.problems.size();
            List<String> allowed = new ArrayList<>(EVENT_SOURCE);
            allowed.add("mqtt");
            Map<String, NodeTuple> fields = fields(value, allowed, what, what);
            if (fields == null) {
                return;
            }
            String bus = "default";
            NodeTuple busEntry = fields.get("eventBus");
            if (busEntry != null) {
                String b = str(busEntry.getValueNode(), "eventBus");
                if (b != null) {
                    if (!buses.contains(b)) {
                        unknownBus(busEntry.getValueNode(), b);
                    }
                    bus = b;
                }
            }
            sourceBus.put(es, bus);
            Map<String, String> events = new LinkedHashMap<>();
            sourceEvents.put(es, events);
            for (Map.Entry<String, NodeTuple> f : fields.entrySet()) {
                String kind = f.getKey();
                if (!Kinds.SOURCES.containsKey(kind)) {
                    continue;
                }
                EventSourceProvider provider = ctx.sourceTypes().get(kind);
                if (provider == null) {
                    y.problem(f.getValue().getKeyNode(), kind + " event sources need module "
                            + Kinds.MODULES.getOrDefault(kind, "providing them") + ", which is not on the class path",
                            "add the dependency io.switchboard:" + Kinds.MODULES.getOrDefault(kind, "events-" + kind)
                                    + " (or register a provider)");
                    continue;
                }
                for (NodeTuple ev : named(f.getValue(), what + " " + kind, "an event")) {
                    String event = y.key(ev);
                    if (event == null || !name(ev.getKeyNode(), event, "event")) {
                        continue;
                    }
                    if (events.containsKey(event)) {
                        y.problem(ev.getKeyNode(), what + " has two events named '" + event + "'",
                                "give each event of a source its own name, across kinds");
                        continue;
                    }
                    String sourceName = es + "." + event;
                    events.put(event, sourceName);
                    Map<String, Node> keyNodes = new LinkedHashMap<>();
                    Map<String, String> config = kindSettings(ev, Kinds.SOURCES.get(kind), kind + " event '" + event
                            + "' of " + what, keyNodes);
                    if (config != null) {
                        result.sourceDecls.add(new SourceDecl(sourceName, kind, config, keyNodes, ev.getKeyNode(), y,
                                provider));
                    }
                }
            }
            if (events.isEmpty()) {
                if (y.problems.size() == before) {
                    y.problem(entry.getKeyNode(), what + " has no events", "add events under one of "
                            + Kinds.SOURCES.keySet() + ", e.g. cron: {tick: {schedule: \"@every 1m\"}}");
                }
                return;
            }
            NodeTuple sink = fields.get("sink");
            if (sink != null) {
                Sink s = sink(sink.getValueNode(), what + " sink", bus);
                if (s != null) {
                    Trigger.Builder t = Trigger.builder(es + ".sink").bus(bus);
                    events.forEach((event, source) -> t.input(event, source, null));
                    t.subscriber(Subscriber.builder("sink").condition(String.join(" || ", events.keySet())).sink(s)
                            .build());
                    addTrigger(t.build(), sink.getKeyNode());
                }
            }
        }

        /** A kind's fields as provider settings; {@code null} when a problem was found. */
        private Map<String, String> kindSettings(NodeTuple entry, List<Kinds.Field> table, String what,
                                                 Map<String, Node> keyNodes) {
            List<String> allowed = new ArrayList<>(table.stream().map(Kinds.Field::name).toList());
            allowed.add(PROPERTIES);
            Map<String, NodeTuple> fields = fields(entry.getValueNode(), allowed, what, what);
            if (fields == null) {
                return null;
            }
            int before = y.problems.size();
            Map<String, String> config = new LinkedHashMap<>();
            Map<String, String> values = new LinkedHashMap<>();
            for (Kinds.Field f : table) {
                NodeTuple t = fields.get(f.name());
                if (t == null) {
                    if (f.required()) {
                        y.problem(entry.getKeyNode(), what + " has no '" + f.name() + "'", "add " + f.name() + ": "
                                + example(f.name()));
                    }
                    continue;
                }
                if (f.type() == Kinds.Type.SCHEMAS) {
                    routeSchemas(t, what, config, keyNodes);
                    continue;
                }
                String v = value(t.getValueNode(), f.type(), f.name());
                if (v == null) {
                    continue;
                }
                values.put(f.name(), v);
                if (f.key() != null) {
                    config.put(f.key(), v);
                    keyNodes.put(f.key(), t.getValueNode());
                }
                keyNodes.put(f.name(), t.getValueNode());
            }
            combine(values, config, fields, keyNodes);
            NodeTuple props = fields.get(PROPERTIES);
            if (props != null) {
                for (NodeTuple p : named(props, what + " properties", "a provider key")) {
                    String key = y.key(p);
                    if (key == null) {
                        continue;
                    }
                    String v = scalarOrList(p.getValueNode(), key);
                    if (v != null) {
                        if (config.containsKey(key)) {
                            y.problem(p.getKeyNode(), "provider key '" + key + "' is also set by a field of " + what,
                                    "set it in one place");
                        }
                        config.put(key, v);
                        keyNodes.put(key, p.getValueNode());
                    }
                }
            }
            return y.problems.size() == before ? config : null;
        }

        /**
         * An HTTP event's {@code schemas: {<route>: {file|resource|json: ...}}} as the provider's
         * {@code schema.<route>.<form>} keys; files become absolute paths, so they resolve against this file's
         * directory whatever the working directory.
         */
        private void routeSchemas(NodeTuple entry, String what, Map<String, String> config, Map<String, Node> keyNodes) {
            for (NodeTuple r : named(entry, "schemas of " + what, "a route")) {
                String route = y.key(r);
                if (route == null) {
                    continue;
                }
                io.switchboard.api.JsonSchema spec = schema(r.getValueNode(), "schema of route '" + route + "' of "
                        + what, false);
                if (spec == null) {
                    continue;
                }
                String key = "schema." + route + "." + switch (spec.kind()) {
                    case FILE -> "file";
                    case RESOURCE -> "resource";
                    default -> "json";
                };
                config.put(key, spec.kind() == io.switchboard.api.JsonSchema.Kind.TEXT ? spec.text()
                        : spec.kind() == io.switchboard.api.JsonSchema.Kind.FILE
                        ? java.nio.file.Path.of(spec.location()).toAbsolutePath().toString() : spec.location());
                keyNodes.put(key, r.getKeyNode());
            }
        }

        /** Fields that become several provider keys, or one key from several fields (Kafka SASL, Redis URI). */
        private void combine(Map<String, String> values, Map<String, String> config, Map<String, NodeTuple> fields,
                             Map<String, Node> keyNodes) {
            if (values.containsKey("saslUsername") || values.containsKey("saslPassword")
                    || "true".equals(values.get("authRequired"))) {
                String user = values.get("saslUsername");
                String password = values.get("saslPassword");
                if (user == null || password == null) {
                    NodeTuple at = fields.getOrDefault("authRequired", fields.getOrDefault("saslUsername",
                            fields.get("saslPassword")));
                    y.problem(at.getKeyNode(), "SASL authentication needs both saslUsername and saslPassword",
                            "add the missing one (e.g. saslPassword: ${KAFKA_PASSWORD})");
                } else {
                    config.put("security.protocol", "SASL_PLAINTEXT");
                    config.put("sasl.mechanism", "PLAIN");
                    config.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                            + " username=\"" + user.replace("\"", "\\\"") + "\" password=\""
                            + password.replace("\"", "\\\"") + "\";");
                    keyNodes.put("sasl.jaas.config", fields.get("saslUsername").getValueNode());
                }
            }
            String host = values.get("redisHost");
            if (host != null) {
                String uri;
                if (host.contains("://")) {
                    uri = host;
                } else {
                    uri = ("true".equals(values.get("enableTLS")) ? "rediss://" : "redis://") + host;
                    if (values.containsKey("redisDB")) {
                        uri += "/" + values.get("redisDB");
                    }
                }
                config.put("redis.uri", uri);
                keyNodes.put("redis.uri", fields.get("redisHost").getValueNode());
            }
        }

        // ---------------------------------------------------------------- triggers

        private void trigger(String name, NodeTuple entry) {
            String what = "trigger '" + name + "'";
            Map<String, NodeTuple> fields = fields(entry.getValueNode(), TRIGGER, what, what);
            if (fields == null) {
                return;
            }
            int before = y.problems.size();
            String bus = "default";
            NodeTuple busEntry = fields.get("eventBus");
            if (busEntry != null) {
                String b = str(busEntry.getValueNode(), "eventBus");
                if (b != null) {
                    if (!buses.contains(b)) {
                        unknownBus(busEntry.getValueNode(), b);
                    }
                    bus = b;
                }
            }
            Trigger.Builder t = Trigger.builder(name);
            if (!bus.equals("default")) {
                t.bus(bus);
            }
            Map<String, Node> inputNodes = new LinkedHashMap<>();
            NodeTuple inputs = fields.get("inputs");
            if (inputs == null) {
                y.problem(entry.getKeyNode(), what + " has no 'inputs'", "add inputs: {name: {eventSource: ..., event:"
                        + " ...}}");
            } else {
                for (NodeTuple in : named(inputs, what + " inputs", "an input")) {
                    String input = y.key(in);
                    if (input == null || !name(in.getKeyNode(), input, "input")) {
                        continue;
                    }
                    TriggerInput ti = input(input, in, bus);
                    if (ti != null) {
                        t.input(ti);
                    }
                    inputNodes.put(input, in.getKeyNode());
                }
                if (inputNodes.isEmpty() && inputs.getValueNode() instanceof MappingNode) {
                    y.problem(inputs.getKeyNode(), what + " has no inputs", "add at least one input");
                }
            }
            NodeTuple subscribers = fields.get("subscribers");
            if (subscribers == null) {
                y.problem(entry.getKeyNode(), what + " has no 'subscribers'", "add subscribers: [{condition: ...,"
                        + " sink: {handler: ...}}]");
            } else if (!(subscribers.getValueNode() instanceof SequenceNode seq)) {
                y.problem(subscribers.getValueNode(), "subscribers of " + what + " must be a list, got "
                        + Yaml.kindOf(subscribers.getValueNode()), "write each subscriber as a list item ('- condition:"
                        + " ...')");
            } else if (seq.getValue().isEmpty()) {
                y.problem(subscribers.getValueNode(), what + " has no subscribers", "add at least one subscriber");
            } else {
                Map<String, Node> names = new LinkedHashMap<>();
                int i = 0;
                for (Node s : seq.getValue()) {
                    i++;
                    Subscriber sub = subscriber(s, i, what, bus, inputNodes.keySet(), names);
                    if (sub != null) {
                        t.subscriber(sub);
                    }
                }
            }
            if (y.problems.size() == before) {
                addTrigger(t.build(), entry.getKeyNode());
            }
        }

        private void addTrigger(Trigger trigger, Node at) {
            if (result.triggerPlaces.containsKey(trigger.name())) {
                y.problem(at, "two triggers are named '" + trigger.name() + "'", "give each trigger its own name"
                        + " (an event source with a sink makes trigger '<source>.sink')");
                return;
            }
            result.triggerPlaces.put(trigger.name(), new TriggerPlace(y, at));
            result.triggers.add(trigger);
        }

        private TriggerInput input(String input, NodeTuple entry, String bus) {
            String what = "input '" + input + "'";
            Map<String, NodeTuple> fields = fields(entry.getValueNode(), INPUT, what, what);
            if (fields == null) {
                return null;
            }
            NodeTuple esEntry = fields.get("eventSource");
            if (esEntry == null) {
                y.problem(entry.getKeyNode(), what + " has no 'eventSource'", "add eventSource: <name of an event"
                        + " source>, or eventSource: " + TriggerInput.APPLICATION + " for events the application"
                        + " publishes");
                return null;
            }
            String es = str(esEntry.getValueNode(), "eventSource");
            String filter = null;
            NodeTuple filterEntry = fields.get("filter");
            if (filterEntry != null) {
                filter = str(filterEntry.getValueNode(), "filter");
                if (filter != null) {
                    try {
                        WITH_DATA.parse(filter);
                        try {
                            Cesql.parse(filter);
                        } catch (CesqlException e) {
                            // valid only with payload filters: whether they are on is known once all files are read
                            result.dataPaths.add(new Place(y, filterEntry.getValueNode(), Math.max(0, e.position() - 4),
                                    "filter of " + what + " reads the event's data at position "
                                            + Math.max(0, e.position() - 4)));
                        }
                    } catch (CesqlException e) {
                        y.problem(filterEntry.getValueNode(), Math.max(0, e.position()), "filter of " + what
                                + " is not valid CESQL: " + e.getMessage(), "correct the expression (docs/cesql.md)");
                        filter = null;
                    }
                }
            }
            io.switchboard.api.JsonSchema schema = null;
            NodeTuple schemaEntry = fields.get("schema");
            if (schemaEntry != null) {
                schema = schema(schemaEntry.getValueNode(), "schema of " + what, true);
                if (schema == null) {
                    return null;
                }
                if (schema.kind() == io.switchboard.api.JsonSchema.Kind.BY_DATASCHEMA) {
                    result.byDataschema.add(new Place(y, schemaEntry.getValueNode(), 0, "schema of " + what
                            + " selects a registered schema by the event's dataschema, but no schema is registered"));
                }
            }
            if (es == null) {
                return null;
            }
            NodeTuple eventEntry = fields.get("event");
            String source;
            if (es.equals(TriggerInput.APPLICATION)) {
                if (eventEntry != null) {
                    y.problem(eventEntry.getKeyNode(), "events the application publishes (eventSource "
                            + TriggerInput.APPLICATION + ") have no named events", "remove 'event' or narrow the"
                            + " input with a filter");
                    return null;
                }
                source = TriggerInput.APPLICATION;
            } else if (!sourceEvents.containsKey(es)) {
                Set<String> known = new TreeSet<>(sourceEvents.keySet());
                known.add(TriggerInput.APPLICATION);
                y.problem(esEntry.getValueNode(), what + " reads event source '" + es + "', which is not declared",
                        suggest(es, known, "declare it under eventSources; declared: " + known));
                return null;
            } else {
                if (eventEntry == null) {
                    y.problem(entry.getKeyNode(), what + " has no 'event'", "add event: one of "
                            + sourceEvents.get(es).keySet());
                    return null;
                }
                String event = str(eventEntry.getValueNode(), "event");
                if (event == null) {
                    return null;
                }
                source = sourceEvents.get(es).get(event);
                if (source == null) {
                    y.problem(eventEntry.getValueNode(), "event source '" + es + "' has no event '" + event + "'",
                            suggest(event, sourceEvents.get(es).keySet(), "its events: " + sourceEvents.get(es).keySet()));
                    return null;
                }
                String esBus = sourceBus.get(es);
                if (!esBus.equals(bus)) {
                    y.problem(esEntry.getValueNode(), "event source '" + es + "' publishes to bus '" + esBus
                            + "' but the trigger reads bus '" + bus + "'", "set the trigger's eventBus to '" + esBus
                            + "' or the event source's eventBus to '" + bus + "'");
                    return null;
                }
            }
            if (filterEntry != null && filter == null) {
                return null;
            }
            TriggerInput ti = TriggerInput.of(input, source, filter);
            return schema == null ? ti : ti.withSchema(schema);
        }

        private Subscriber subscriber(Node node, int index, String trigger, String bus, Collection<String> inputs,
                                      Map<String, Node> names) {
            String what = "subscriber " + index + " of " + trigger;
            Map<String, NodeTuple> f = fields(node, SUBSCRIBER, what, what);
            if (f == null) {
                return null;
            }
            int before = y.problems.size();
            Sink sink = null;
            String defaultName = "subscriber-" + index;
            NodeTuple sinkEntry = f.get("sink");
            NodeTuple topicEntry = f.get("topic");
            if (sinkEntry != null && topicEntry != null) {
                y.problem(topicEntry.getKeyNode(), what + " has both 'sink' and 'topic'", "keep one: 'topic: t' is"
                        + " short for 'sink: {topic: t}'");
            } else if (sinkEntry != null) {
                lastHandler = null;
                sink = sink(sinkEntry.getValueNode(), what + " sink", bus);
                if (lastHandler != null) {
                    defaultName = lastHandler;
                }
            } else if (topicEntry != null) {
                String topic = str(topicEntry.getValueNode(), "topic");
                sink = topic == null ? null : topicSink(topicEntry.getValueNode(), null, topic, bus);
            } else {
                y.problem(node, what + " has no 'sink'", "add sink: {handler: <name>} (or topic: <topic>)");
            }
            String name = defaultName;
            NodeTuple nameEntry = f.get("name");
            if (nameEntry != null) {
                name = str(nameEntry.getValueNode(), "name");
            }
            if (name == null || !name(nameEntry != null ? nameEntry.getValueNode() : node, name, "subscriber")) {
                return null;
            }
            Node first = names.putIfAbsent(name, nameEntry != null ? nameEntry.getValueNode() : node);
            if (first != null) {
                y.problem(nameEntry != null ? nameEntry.getValueNode() : node, trigger + " has two subscribers named '"
                        + name + "'", "give each subscriber its own name with 'name:'");
                return null;
            }
            Subscriber.Builder b = Subscriber.builder(name);
            if (sink != null) {
                b.sink(sink);
            }
            NodeTuple condition = f.get("condition");
            if (condition != null) {
                String c = str(condition.getValueNode(), "condition");
                if (c != null) {
                    ConditionCheck.Mistake m = ConditionCheck.check(c, inputs);
                    if (m != null && m.unknown() != null) {
                        y.problem(condition.getValueNode(), m.column() - 1, "condition of " + what + " "
                                + m.message(), suggest(m.unknown(), inputs, "use one of the trigger's inputs: " + inputs));
                    } else if (m != null) {
                        y.problem(condition.getValueNode(), m.column() - 1, "condition of " + what + " is malformed: "
                                + m.message(), "write input names joined by && (or AND), || (or OR), ! (or NOT) and"
                                + " parentheses");
                    } else {
                        apply(condition.getValueNode(), () -> b.condition(c));
                    }
                }
            }
            NodeTuple dead = f.get("deadLetterSink");
            NodeTuple deadTopic = f.get("deadLetterTopic");
            if (dead != null && deadTopic != null) {
                y.problem(deadTopic.getKeyNode(), what + " has both 'deadLetterSink' and 'deadLetterTopic'",
                        "keep one");
            } else if (dead != null) {
                Sink d = sink(dead.getValueNode(), what + " deadLetterSink", bus);
                if (d != null) {
                    b.deadLetter(d);
                }
            } else if (deadTopic != null) {
                String topic = str(deadTopic.getValueNode(), "deadLetterTopic");
                if (topic != null) {
                    Sink d = topicSink(deadTopic.getValueNode(), null, topic, bus);
                    if (d != null) {
                        b.deadLetter(d);
                    }
                }
            }
            text(f, "correlateBy", v -> b.correlateBy(v));
            duration(f, "within", b::within);
            NodeTuple reset = f.get("resetOn");
            if (reset != null) {
                String cron = value(reset.getValueNode(), Kinds.Type.CRON, "resetOn");
                if (cron != null) {
                    apply(reset.getValueNode(), () -> b.resetOn(cron));
                }
            }
            integer(f, "maxKeys", b::maxKeys);
            flag(f, "levelTriggered", b::levelTriggered);
            flag(f, "correlateLocally", b::correlateLocally);
            flag(f, "inline", b::inline);
            text(f, "orderingKey", b::orderingKey);
            integer(f, "concurrency", b::concurrency);
            integer(f, "queueCapacity", b::queueCapacity);
            NodeTuple whenFull = f.get("whenFull");
            Duration blockTimeout = null;
            NodeTuple blockEntry = f.get("blockTimeout");
            if (blockEntry != null) {
                String v = value(blockEntry.getValueNode(), Kinds.Type.DURATION, "blockTimeout");
                blockTimeout = v == null ? null : Duration.parse(v);
            }
            if (whenFull != null) {
                String v = str(whenFull.getValueNode(), "whenFull");
                if (v != null) {
                    switch (v) {
                        case "fail" -> {
                            if (blockEntry != null) {
                                y.problem(blockEntry.getKeyNode(), "blockTimeout applies only to whenFull: block",
                                        "remove blockTimeout or set whenFull: block");
                            }
                            b.whenFull(FullQueuePolicy.fail());
                        }
                        case "block" -> {
                            Duration timeout = blockTimeout;
                            apply(whenFull.getValueNode(), () -> b.whenFull(FullQueuePolicy.block(
                                    timeout != null ? timeout : Duration.ofSeconds(5))));
                        }
                        default -> y.problem(whenFull.getValueNode(), "whenFull must be 'block' or 'fail', got '" + v
                                + "'", suggest(v, List.of("block", "fail"), "write block or fail"));
                    }
                }
            } else if (blockTimeout != null) {
                Duration timeout = blockTimeout;
                apply(blockEntry.getValueNode(), () -> b.whenFull(FullQueuePolicy.block(timeout)));
            }
            NodeTuple rate = f.get("rateLimit");
            if (rate != null) {
                Map<String, NodeTuple> r = fields(rate.getValueNode(), RATE_LIMIT, "rateLimit of " + what,
                        "rateLimit of " + what);
                if (r != null) {
                    Integer permits = required(r, rate, "permits", Kinds.Type.INTEGER, "rateLimit of " + what, "100");
                    String p = requiredText(r, rate, "period", "rateLimit of " + what, "1s");
                    Integer burst = r.containsKey("burst") ? intValue(r.get("burst").getValueNode(), "burst") : permits;
                    if (permits != null && p != null && burst != null) {
                        apply(rate.getValueNode(), () -> b.rateLimit(new Subscriber.RateLimit(permits,
                                Duration.parse(p), burst)));
                    }
                }
            }
            NodeTuple batch = f.get("batch");
            if (batch != null) {
                Map<String, NodeTuple> r = fields(batch.getValueNode(), BATCH, "batch of " + what, "batch of " + what);
                if (r != null) {
                    Integer size = required(r, batch, "maxSize", Kinds.Type.INTEGER, "batch of " + what, "100");
                    String wait = requiredText(r, batch, "maxWait", "batch of " + what, "1s");
                    if (size != null && wait != null) {
                        apply(batch.getValueNode(), () -> b.batch(size, Duration.parse(wait)));
                    }
                }
            }
            duration(f, "debounce", b::debounce);
            NodeTuple delivery = f.get("delivery");
            if (delivery != null) {
                DeliveryPolicy policy = delivery(delivery, what);
                if (policy != null) {
                    b.deliveryPolicy(policy);
                }
            }
            if (y.problems.size() != before || sink == null) {
                return null;
            }
            try {
                return b.build();
            } catch (RuntimeException e) {
                y.problem(node, what + ": " + e.getMessage(), "change the options this names");
                return null;
            }
        }

        private DeliveryPolicy delivery(NodeTuple entry, String what) {
            Map<String, NodeTuple> f = fields(entry.getValueNode(), DELIVERY, "delivery of " + what, "delivery of " + what);
            if (f == null) {
                return null;
            }
            DeliveryPolicy d = DeliveryPolicy.defaults();
            DeliveryPolicy.Builder b = DeliveryPolicy.builder();
            integer(f, "maxAttempts", b::maxAttempts);
            Duration[] initial = {d.initialBackoff()};
            Duration[] max = {d.maxBackoff()};
            double[] multiplier = {d.multiplier()};
            duration(f, "initialBackoff", v -> initial[0] = v);
            duration(f, "maxBackoff", v -> max[0] = v);
            number(f, "multiplier", v -> multiplier[0] = v);
            if (f.containsKey("initialBackoff") || f.containsKey("maxBackoff") || f.containsKey("multiplier")) {
                NodeTuple at = f.getOrDefault("initialBackoff", f.getOrDefault("maxBackoff", f.get("multiplier")));
                apply(at.getValueNode(), () -> b.backoff(initial[0], max[0], multiplier[0]));
            }
            number(f, "jitter", b::jitter);
            duration(f, "attemptTimeout", b::attemptTimeout);
            return b.build();
        }

        // ---------------------------------------------------------------- sinks

        private Sink sink(Node node, String what, String bus) {
            Map<String, NodeTuple> f = fields(node, SINK, what, what);
            if (f == null) {
                return null;
            }
            boolean handler = f.containsKey("handler") || f.containsKey("ref");
            boolean topic = f.containsKey("topic");
            boolean http = f.containsKey("uri");
            int kinds = (handler ? 1 : 0) + (topic ? 1 : 0) + (http ? 1 : 0);
            if (kinds != 1 || (f.containsKey("handler") && f.containsKey("ref"))) {
                y.problem(node, what + (kinds == 0 ? " names no target" : " names more than one target"),
                        "use exactly one of handler: <name>, topic: <topic> (with an optional bus), or uri: <url>");
                return null;
            }
            List<String> allowed = handler ? List.of("handler", "ref") : topic ? List.of("topic", "bus")
                    : List.of("uri", "mode", "timeout", "headers", "bearerToken", "hmacSecret", "multipleEvents",
                    "replyTopic");
            for (NodeTuple t : f.values()) {
                String k = ((ScalarNode) t.getKeyNode()).getValue();
                if (!allowed.contains(k)) {
                    y.problem(t.getKeyNode(), "'" + k + "' does not apply to a " + (handler ? "handler" : topic
                            ? "topic" : "uri") + " sink", "remove it; this sink takes " + allowed);
                    return null;
                }
            }
            if (handler) {
                String name;
                Node at;
                if (f.containsKey("handler")) {
                    at = f.get("handler").getValueNode();
                    name = str(at, "handler");
                } else {
                    Map<String, NodeTuple> ref = fields(f.get("ref").getValueNode(), REF, what + " ref", what + " ref");
                    if (ref == null) {
                        return null;
                    }
                    if (!ref.containsKey("name")) {
                        y.problem(f.get("ref").getKeyNode(), what + " ref has no 'name'", "add name: <handler name>");
                        return null;
                    }
                    at = ref.get("name").getValueNode();
                    name = str(at, "name");
                }
                if (name == null) {
                    return null;
                }
                Sink s = ctx.handlers().get(name);
                if (s == null) {
                    y.problem(at, "no handler named '" + name + "' is bound", "bind it in code with"
                            + " Switchboard.builder().handler(\"" + name + "\", ...)"
                            + nearest(name, ctx.handlers().keySet()).map(n -> ", or did you mean '" + n + "'?")
                            .orElse(""));
                    return null;
                }
                lastHandler = name;
                return s;
            }
            if (topic) {
                String t = str(f.get("topic").getValueNode(), "topic");
                String b = f.containsKey("bus") ? str(f.get("bus").getValueNode(), "bus") : null;
                if (t == null || (f.containsKey("bus") && b == null)) {
                    return null;
                }
                if (b != null && !buses.contains(b)) {
                    unknownBus(f.get("bus").getValueNode(), b);
                    return null;
                }
                return topicSink(f.get("topic").getValueNode(), b, t, bus);
            }
            return httpSink(f, what);
        }

        private Sink topicSink(Node at, String bus, String topic, String triggerBus) {
            try {
                return Sink.topic(bus, topic, java.util.function.UnaryOperator.identity());
            } catch (RuntimeException e) {
                y.problem(at, "topic '" + topic + "' is not a valid topic: " + e.getMessage(), "use a non-blank name");
                return null;
            }
        }

        private Sink httpSink(Map<String, NodeTuple> f, String what) {
            Node uriNode = f.get("uri").getValueNode();
            String uri = str(uriNode, "uri");
            if (uri == null) {
                return null;
            }
            HttpTarget.Builder b;
            try {
                b = HttpTarget.builder(URI.create(uri));
            } catch (IllegalArgumentException e) {
                y.problem(uriNode, "uri of " + what + " is not usable: " + e.getMessage(), "write an absolute http://"
                        + " or https:// URL, e.g. http://localhost:8080/ship");
                return null;
            }
            int before = y.problems.size();
            NodeTuple mode = f.get("mode");
            if (mode != null) {
                String m = str(mode.getValueNode(), "mode");
                if (m != null) {
                    enumValue(mode.getValueNode(), m, HttpTarget.Mode.class, "mode").ifPresent(b::mode);
                }
            }
            NodeTuple multiple = f.get("multipleEvents");
            if (multiple != null) {
                String m = str(multiple.getValueNode(), "multipleEvents");
                if (m != null) {
                    enumValue(multiple.getValueNode(), m, HttpTarget.MultipleEvents.class, "multipleEvents")
                            .ifPresent(b::multipleEvents);
                }
            }
            duration(f, "timeout", b::timeout);
            text(f, "bearerToken", b::bearerToken);
            text(f, "hmacSecret", b::hmacSha256);
            text(f, "replyTopic", b::replyTopic);
            NodeTuple headers = f.get("headers");
            if (headers != null) {
                for (NodeTuple h : named(headers, what + " headers", "a header")) {
                    String name = y.key(h);
                    String v = name == null ? null : str(h.getValueNode(), name);
                    if (v != null) {
                        apply(h.getKeyNode(), () -> b.header(name, v));
                    }
                }
            }
            return y.problems.size() == before ? Sink.http(b.build()) : null;
        }

        private <E extends Enum<E>> Optional<E> enumValue(Node at, String v, Class<E> type, String what) {
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                names.add(e.name().toLowerCase(Locale.ROOT));
                if (e.name().equalsIgnoreCase(v)) {
                    return Optional.of(e);
                }
            }
            y.problem(at, what + " must be one of " + names + ", got '" + v + "'", suggest(v.toLowerCase(Locale.ROOT),
                    names, "write one of " + names));
            return Optional.empty();
        }

        // ---------------------------------------------------------------- values

        /**
         * The entries of a mapping, by key, after reporting unknown and duplicate keys; {@code null} (with a problem)
         * when the node is not a mapping. An empty value counts as an empty mapping.
         */
        private Map<String, NodeTuple> fields(Node node, List<String> allowed, String what, String level) {
            if (Yaml.isNull(node)) {
                return new LinkedHashMap<>();
            }
            if (!(node instanceof MappingNode m)) {
                y.problem(node, what + " must be a mapping of keys to values, got " + Yaml.kindOf(node),
                        "write it as 'key: value' lines indented under it; its keys: " + allowed);
                return null;
            }
            Map<String, NodeTuple> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                String k = y.key(t);
                if (k == null) {
                    continue;
                }
                if (!allowed.contains(k)) {
                    y.problem(t.getKeyNode(), "unknown key '" + k + "' in " + level,
                            suggest(k, allowed, "valid keys here: " + allowed));
                    continue;
                }
                if (out.putIfAbsent(k, t) != null) {
                    y.problem(t.getKeyNode(), "key '" + k + "' appears twice in " + level, "keep one");
                }
            }
            return out;
        }

        /** The entries of a mapping of user-chosen names (duplicates reported). */
        private List<NodeTuple> named(NodeTuple entry, String what, String each) {
            return named(entry.getValueNode(), what, each);
        }

        private List<NodeTuple> named(Node node, String what, String each) {
            if (Yaml.isNull(node)) {
                return List.of();
            }
            if (!(node instanceof MappingNode m)) {
                y.problem(node, what + " must be a mapping from names to entries, got " + Yaml.kindOf(node),
                        "write each entry as 'name:' with its settings indented under it");
                return List.of();
            }
            List<NodeTuple> out = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            for (NodeTuple t : m.getValue()) {
                String k = y.key(t);
                if (k == null) {
                    continue;
                }
                if (!seen.add(k)) {
                    y.problem(t.getKeyNode(), "'" + k + "' is declared twice in " + what, "give each " + each.replace(
                            "an ", "").replace("a ", "") + " its own name");
                    continue;
                }
                out.add(t);
            }
            return out;
        }

        private boolean name(Node at, String name, String what) {
            if (!Pattern.matches("[A-Za-z_][A-Za-z0-9_.\\-]{0,199}", name)) {
                y.problem(at, what + " name '" + name + "' is invalid", "use a letter or '_' followed by letters,"
                        + " digits, '_', '.' or '-'");
                return false;
            }
            return true;
        }

        private void unknownBus(Node at, String bus) {
            y.problem(at, "bus '" + bus + "' is not declared", suggest(bus, buses, "declare it under eventBuses"
                    + " (or with Switchboard.builder().bus(...)); declared: " + new TreeSet<>(buses)));
        }

        private String str(Node node, String what) {
            if (node instanceof ScalarNode s && !Yaml.isNull(node)) {
                return y.text(s);
            }
            y.problem(node, "'" + what + "' must be a text value, got " + Yaml.kindOf(node), "write a single value"
                    + " after '" + what + ":'");
            return null;
        }

        /** A scalar or a list of scalars (joined with commas) as provider text. */
        private String scalarOrList(Node node, String what) {
            if (node instanceof SequenceNode seq) {
                List<String> items = new ArrayList<>();
                for (Node n : seq.getValue()) {
                    String v = str(n, what);
                    if (v == null) {
                        return null;
                    }
                    items.add(v);
                }
                return String.join(",", items);
            }
            return str(node, what);
        }

        /** A checked field value as provider text ({@code null} with a problem when invalid). */
        private String value(Node node, Kinds.Type type, String what) {
            if (type == Kinds.Type.LIST) {
                return scalarOrList(node, what);
            }
            String v = str(node, what);
            if (v == null) {
                return null;
            }
            switch (type) {
                case INTEGER -> {
                    try {
                        Long.parseLong(v.trim());
                    } catch (NumberFormatException e) {
                        y.problem(node, "'" + what + "' must be a whole number, got '" + v + "'", "write digits only,"
                                + " e.g. " + what + ": 4");
                        return null;
                    }
                    return v.trim();
                }
                case BOOLEAN -> {
                    if (!v.equals("true") && !v.equals("false")) {
                        y.problem(node, "'" + what + "' must be true or false, got '" + v + "'", "write true or false");
                        return null;
                    }
                    return v;
                }
                case DURATION -> {
                    try {
                        return DurationText.parse("'" + what + "'", v).toString();
                    } catch (RuntimeException e) {
                        y.problem(node, "'" + what + "' is not a duration: '" + v + "'", "write number-unit pairs"
                                + " such as 90s, 1h30m, 250ms (units ms, s, m, h, d) or ISO-8601 such as PT1H30M");
                        return null;
                    }
                }
                case CRON -> {
                    try {
                        CronSchedule.parse(v);
                        return v;
                    } catch (RuntimeException e) {
                        String m = e.getMessage();
                        int supported = m.indexOf(". Supported:");
                        m = supported >= 0 ? m.substring(0, supported) : m;
                        y.problem(node, "'" + what + "' is not a valid schedule: " + m, "write Unix cron (\"0 2 * * *\"),"
                                + " Quartz (\"0 0 2 * * ?\"), a macro (@daily) or @every 5m");
                        return null;
                    }
                }
                default -> {
                    return v;
                }
            }
        }

        private Integer intValue(Node node, String what) {
            String v = value(node, Kinds.Type.INTEGER, what);
            if (v == null) {
                return null;
            }
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                y.problem(node, "'" + what + "' is too large: " + v, "write a number up to " + Integer.MAX_VALUE);
                return null;
            }
        }

        private Integer required(Map<String, NodeTuple> f, NodeTuple parent, String key, Kinds.Type type,
                                 String what, String example) {
            NodeTuple t = f.get(key);
            if (t == null) {
                y.problem(parent.getKeyNode(), what + " has no '" + key + "'", "add " + key + ": " + example);
                return null;
            }
            return intValue(t.getValueNode(), key);
        }

        private String requiredText(Map<String, NodeTuple> f, NodeTuple parent, String key, String what,
                                    String example) {
            NodeTuple t = f.get(key);
            if (t == null) {
                y.problem(parent.getKeyNode(), what + " has no '" + key + "'", "add " + key + ": " + example);
                return null;
            }
            return value(t.getValueNode(), Kinds.Type.DURATION, key);
        }

        private void text(Map<String, NodeTuple> f, String key, java.util.function.Consumer<String> set) {
            NodeTuple t = f.get(key);
            if (t != null) {
                String v = str(t.getValueNode(), key);
                if (v != null) {
                    apply(t.getValueNode(), () -> set.accept(v));
                }
            }
        }

        private void integer(Map<String, NodeTuple> f, String key, java.util.function.IntConsumer set) {
            NodeTuple t = f.get(key);
            if (t != null) {
                Integer v = intValue(t.getValueNode(), key);
                if (v != null) {
                    apply(t.getValueNode(), () -> set.accept(v));
                }
            }
        }

        private void number(Map<String, NodeTuple> f, String key, java.util.function.DoubleConsumer set) {
            NodeTuple t = f.get(key);
            if (t != null) {
                String v = str(t.getValueNode(), key);
                if (v != null) {
                    try {
                        double d = Double.parseDouble(v.trim());
                        apply(t.getValueNode(), () -> set.accept(d));
                    } catch (NumberFormatException e) {
                        y.problem(t.getValueNode(), "'" + key + "' must be a number, got '" + v + "'", "write a number"
                                + " such as 2 or 0.2");
                    }
                }
            }
        }

        private void duration(Map<String, NodeTuple> f, String key, java.util.function.Consumer<Duration> set) {
            NodeTuple t = f.get(key);
            if (t != null) {
                String v = value(t.getValueNode(), Kinds.Type.DURATION, key);
                if (v != null) {
                    apply(t.getValueNode(), () -> set.accept(Duration.parse(v)));
                }
            }
        }

        private void flag(Map<String, NodeTuple> f, String key, Runnable set) {
            NodeTuple t = f.get(key);
            if (t != null) {
                String v = value(t.getValueNode(), Kinds.Type.BOOLEAN, key);
                if ("true".equals(v)) {
                    set.run();
                }
            }
        }

        /** Runs a builder setter, reporting its complaint at {@code at}. */
        private void apply(Node at, Runnable setter) {
            try {
                setter.run();
            } catch (RuntimeException e) {
                y.problem(at, e.getMessage(), "change this value");
            }
        }

    }

    private static String example(String field) {
        return switch (field) {
            case "schedule" -> "\"@every 1m\"";
            case "brokers" -> "localhost:9092";
            case "natsURL" -> "nats://localhost:4222";
            case "redisHost" -> "localhost:6379";
            default -> "...";
        };
    }

    /** "did you mean 'x'?" for the nearest candidate by edit distance, else {@code otherwise}. */
    static String suggest(String word, Collection<String> candidates, String otherwise) {
        return nearest(word, candidates).map(n -> "did you mean '" + n + "'?").orElse(otherwise);
    }

    /**
     * The candidate nearest to {@code word} by edit distance (insertions, deletions, substitutions and swaps of
     * neighbours count one each), if it is near enough to be a typo: at most a third of the word's length, at least
     * one, and less than the whole word.
     */
    static Optional<String> nearest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(word.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        int limit = Math.max(1, word.length() / 3);
        return best != null && bestDistance <= limit && bestDistance < word.length() ? Optional.of(best)
                : Optional.empty();
    }

    /** Optimal string alignment distance. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
