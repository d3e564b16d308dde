package io.switchboard.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code switchboard.*} properties: the runtime's settings, and the same configuration model as a
 * {@code switchboard.yaml} (docs/configuration.md) under {@code switchboard.cluster-event-bus},
 * {@code switchboard.event-buses}, {@code switchboard.event-sources} and {@code switchboard.triggers}. Bound by
 * Spring Boot from {@code application.yml}, {@code application.properties}, the environment and the command line,
 * and read by the same loader as the file, so both accept exactly the same keys and report the same mistakes.
 *
 * <pre>{@code
 * switchboard:
 *   group: shop
 *   cluster-event-bus:
 *     kafka: { brokers: 127.0.0.1:9092, partitions: 6 }
 *   triggers:
 *     orders:
 *       inputs:
 *         created: { eventSource: app, filter: "type = 'order.created'" }
 *         paid:    { eventSource: app, filter: "type = 'payment.settled'" }
 *       subscribers:
 *         - name: ship
 *           condition: created && paid
 *           correlateBy: subject
 *           sink: { handler: ship }      # a @SwitchboardHandler("ship") method or a handler bean named ship
 * }</pre>
 */
@ConfigurationProperties(prefix = "switchboard")
public class SwitchboardProperties {

    /** Whether the starter builds and runs a Switchboard; with false only the routes (SwitchboardRoutes) are built. */
    private boolean enabled = true;

    /**
     * A switchboard.yaml to load in addition to these properties, e.g. classpath:/switchboard.yaml or
     * file:/etc/shop/switchboard.yaml. Its triggers, sources and buses join the ones declared here; a name declared
     * in both places is an error. Its ${VAR:default} placeholders are resolved from the Spring Environment.
     */
    private String configFile;

    /** The consumer-group name of this application on its buses (instances sharing it share the work). */
    private String group;

    /** How long closing the application context waits for accepted events to finish. */
    private Duration drainTimeout;

    /** How long a correlated subscriber on a shared durable bus holds an event before re-parking it. */
    private Duration reparkHeldAfter;

    /** The lifecycle settings of the runtime within the application context. */
    private final Lifecycle lifecycle = new Lifecycle();

    /**
     * The default bus, as in switchboard.yaml's clusterEventBus: one kind (memory, kafka, nats, redis) and its
     * fields, e.g. switchboard.cluster-event-bus.kafka.brokers. When absent, a Kafka or Redis bus is made from
     * spring.kafka.bootstrap-servers or spring.data.redis.* if exactly one of those broker modules is configured;
     * otherwise the default bus is in memory.
     */
    private Map<String, Object> clusterEventBus = new LinkedHashMap<>();

    /** Named buses (namespaces), as in switchboard.yaml's eventBuses: namespace, then one kind and its fields. */
    private Map<String, Object> eventBuses = new LinkedHashMap<>();

    /**
     * Event sources, as in switchboard.yaml's eventSources: source name, then kinds (cron, timer, http, kafka, nats,
     * redis) with named events and their fields, and optionally eventBus and sink.
     */
    private Map<String, Object> eventSources = new LinkedHashMap<>();

    /**
     * Triggers, as in switchboard.yaml's triggers: trigger name, then eventBus, inputs (name: eventSource, event,
     * filter, schema) and a list of subscribers (name, condition, sink: {handler: <bean handler name>} or {topic: ...},
     * correlateBy, within, delivery, deadLetterSink, ...).
     */
    private Map<String, Object> triggers = new LinkedHashMap<>();

    /** Event-data settings, as in switchboard.yaml's data: payload filters and the bounds on parsed data. */
    private final Data data = new Data();

    /**
     * Named JSON Schemas, as in switchboard.yaml's schemas: the dataschema URI (in brackets, since it contains dots:
     * switchboard.schemas[https://example.com/order.json].file=...), then one of file, resource or json (JSON text).
     * Inputs select them with schema: byDataschema.
     */
    private Map<String, Object> schemas = new LinkedHashMap<>();

    /** Meters (with events-micrometer and a MeterRegistry bean). */
    private final Metrics metrics = new Metrics();

    /** Traces (with events-opentelemetry and an OpenTelemetry bean). */
    private final Tracing tracing = new Tracing();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getConfigFile() {
        return configFile;
    }

    public void setConfigFile(String configFile) {
        this.configFile = configFile;
    }

    public String getGroup() {
        return group;
    }

    public void setGroup(String group) {
        this.group = group;
    }

    public Duration getDrainTimeout() {
        return drainTimeout;
    }

    public void setDrainTimeout(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    public Duration getReparkHeldAfter() {
        return reparkHeldAfter;
    }

    public void setReparkHeldAfter(Duration reparkHeldAfter) {
        this.reparkHeldAfter = reparkHeldAfter;
    }

    public Lifecycle getLifecycle() {
        return lifecycle;
    }

    public Map<String, Object> getClusterEventBus() {
        return clusterEventBus;
    }

    public void setClusterEventBus(Map<String, Object> clusterEventBus) {
        this.clusterEventBus = clusterEventBus;
    }

    public Map<String, Object> getEventBuses() {
        return eventBuses;
    }

    public void setEventBuses(Map<String, Object> eventBuses) {
        this.eventBuses = eventBuses;
    }

    public Map<String, Object> getEventSources() {
        return eventSources;
    }

    public void setEventSources(Map<String, Object> eventSources) {
        this.eventSources = eventSources;
    }

    public Map<String, Object> getTriggers() {
        return triggers;
    }

    public void setTriggers(Map<String, Object> triggers) {
        this.triggers = triggers;
    }

    public Data getData() {
        return data;
    }

    public Map<String, Object> getSchemas() {
        return schemas;
    }

    public void setSchemas(Map<String, Object> schemas) {
        this.schemas = schemas;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    public Tracing getTracing() {
        return tracing;
    }

    /** Event-data settings (docs/data.md); rendered into the same loader as switchboard.yaml's data. */
    public static class Data {
        /** Whether input filters may read the event's data (data.total > 100); off unless set. */
        private Boolean filters;

        /** Data longer than this many bytes is not parsed (default 1048576). */
        private Integer maxBytes;

        /** Data nested deeper than this is not parsed (1 to 1000, default 64). */
        private Integer maxDepth;

        public Boolean getFilters() {
            return filters;
        }

        public void setFilters(Boolean filters) {
            this.filters = filters;
        }

        public Integer getMaxBytes() {
            return maxBytes;
        }

        public void setMaxBytes(Integer maxBytes) {
            this.maxBytes = maxBytes;
        }

        public Integer getMaxDepth() {
            return maxDepth;
        }

        public void setMaxDepth(Integer maxDepth) {
            this.maxDepth = maxDepth;
        }

        /** The settings made, as the loader's data keys (empty when none). */
        Map<String, Object> model() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (filters != null) {
                m.put("filters", filters.toString());
            }
            if (maxBytes != null) {
                m.put("maxBytes", maxBytes.toString());
            }
            if (maxDepth != null) {
                m.put("maxDepth", maxDepth.toString());
            }
            return m;
        }
    }

    /** Where the runtime starts and stops among the context's lifecycle beans. */
    public static class Lifecycle {
        /**
         * The SmartLifecycle phase. The default starts the runtime before, and drains it after, the web server and
         * message listener containers, so requests and listeners that publish find it running.
         */
        private int phase = SwitchboardLifecycle.DEFAULT_PHASE;

        public int getPhase() {
            return phase;
        }

        public void setPhase(int phase) {
            this.phase = phase;
        }
    }

    /** Meter settings. */
    public static class Metrics {
        /** Whether Switchboard's meters are registered with the application's MeterRegistry. */
        private boolean enabled = true;

        /** Time one in this many asynchronous handler calls (1: every call). */
        private int asyncTimingSample = 8;

        /** Time one in this many inline handler calls (1: every call). */
        private int inlineTimingSample = 64;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getAsyncTimingSample() {
            return asyncTimingSample;
        }

        public void setAsyncTimingSample(int asyncTimingSample) {
            this.asyncTimingSample = asyncTimingSample;
        }

        public int getInlineTimingSample() {
            return inlineTimingSample;
        }

        public void setInlineTimingSample(int inlineTimingSample) {
            this.inlineTimingSample = inlineTimingSample;
        }
    }

    /** Trace settings. */
    public static class Tracing {
        /** Whether handler spans (and publish/deliver spans on bus beans) are recorded with the OpenTelemetry bean. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
