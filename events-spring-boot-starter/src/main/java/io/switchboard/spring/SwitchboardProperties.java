package io.switchboard.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code switchboard.*} properties: the runtime's settings, and buses, sources and triggers in the same shape as
 * a {@code switchboard.yaml} (names are map keys; handlers are named and bound to beans). Bound by Spring Boot from
 * {@code application.yml}, {@code application.properties}, the environment and the command line.
 *
 * <pre>{@code
 * switchboard:
 *   group: shop
 *   buses:
 *     default:
 *       type: kafka                    # optional when exactly one broker module is on the class path
 *       config:
 *         bootstrap.servers: 127.0.0.1:9092
 *   sources:
 *     tick:
 *       type: timer
 *       config: { interval: PT1M }
 *   triggers:
 *     orders:
 *       inputs:
 *         created: { filter: "type = 'order.created'" }
 *         paid:    { filter: "type = 'payment.settled'" }
 *       subscribers:
 *         ship: { condition: "created && paid", correlate-by: subject, handler: ship }
 * }</pre>
 */
@ConfigurationProperties(prefix = "switchboard")
public class SwitchboardProperties {

    /** Whether the starter builds and runs a Switchboard; with false only the routes (SwitchboardRoutes) are built. */
    private boolean enabled = true;

    /**
     * A switchboard.yaml to load in addition to these properties, e.g. classpath:/switchboard.yaml. Its triggers,
     * sources and buses join the ones declared here; a name declared in both places is an error.
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

    /** Buses by name; "default" is the one triggers without a bus read. */
    private Map<String, Bus> buses = new LinkedHashMap<>();

    /** Sources created by type, by name (the name is the topic they publish to). */
    private Map<String, Source> sources = new LinkedHashMap<>();

    /** Triggers by name. */
    private Map<String, Trigger> triggers = new LinkedHashMap<>();

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

    public Map<String, Bus> getBuses() {
        return buses;
    }

    public void setBuses(Map<String, Bus> buses) {
        this.buses = buses;
    }

    public Map<String, Source> getSources() {
        return sources;
    }

    public void setSources(Map<String, Source> sources) {
        this.sources = sources;
    }

    public Map<String, Trigger> getTriggers() {
        return triggers;
    }

    public void setTriggers(Map<String, Trigger> triggers) {
        this.triggers = triggers;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    public Tracing getTracing() {
        return tracing;
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

    /** A bus created by its provider's type. */
    public static class Bus {
        /**
         * The provider type (memory, kafka, nats, redis, ...). Optional when exactly one broker module (events-kafka,
         * events-nats, events-redis) is on the class path.
         */
        private String type;

        /** The provider's settings, e.g. bootstrap.servers for kafka, servers for nats, redis.uri for redis. */
        private Map<String, String> config = new LinkedHashMap<>();

        public String getType() {
            return type;
        }

        public void setType(String type) {
            this.type = type;
        }

        public Map<String, String> getConfig() {
            return config;
        }

        public void setConfig(Map<String, String> config) {
            this.config = config;
        }
    }

    /** A source created by its provider's type. */
    public static class Source {
        /** The provider type (timer, cron, http, kafka, nats, redis, ...). */
        private String type;

        /** The provider's settings. */
        private Map<String, String> config = new LinkedHashMap<>();

        public String getType() {
            return type;
        }

        public void setType(String type) {
            this.type = type;
        }

        public Map<String, String> getConfig() {
            return config;
        }

        public void setConfig(Map<String, String> config) {
            this.config = config;
        }
    }

    /** A trigger: inputs that select events, subscribers that act on them. */
    public static class Trigger {
        /** The bus (namespace) the trigger reads; the default bus when absent. */
        private String bus;

        /** Inputs by name. */
        private Map<String, Input> inputs = new LinkedHashMap<>();

        /** Subscribers by name. */
        private Map<String, Subscriber> subscribers = new LinkedHashMap<>();

        public String getBus() {
            return bus;
        }

        public void setBus(String bus) {
            this.bus = bus;
        }

        public Map<String, Input> getInputs() {
            return inputs;
        }

        public void setInputs(Map<String, Input> inputs) {
            this.inputs = inputs;
        }

        public Map<String, Subscriber> getSubscribers() {
            return subscribers;
        }

        public void setSubscribers(Map<String, Subscriber> subscribers) {
            this.subscribers = subscribers;
        }
    }

    /** One input of a trigger. */
    public static class Input {
        /** The source (topic) the input reads; events the application publishes itself when absent. */
        private String source;

        /** A CESQL v1 filter on the event, e.g. type = 'order.created'; every event of the source when absent. */
        private String filter;

        public String getSource() {
            return source;
        }

        public void setSource(String source) {
            this.source = source;
        }

        public String getFilter() {
            return filter;
        }

        public void setFilter(String filter) {
            this.filter = filter;
        }
    }

    /** One subscriber of a trigger: a condition over the inputs and where its firings go. */
    public static class Subscriber {
        /** The condition over input names (a && (b || c)); all inputs when absent. */
        private String condition;

        /** The handler bean (a @SwitchboardHandler name or a handler bean's name) the firings go to. */
        private String handler;

        /** Re-publish each firing's event to this topic instead of calling a handler. */
        private String topic;

        /** The handler that receives events given up after the last attempt. */
        private String deadLetter;

        /** The attribute or extension that correlates the inputs of an AND condition, e.g. subject. */
        private String correlateBy;

        /** How long a held input event waits for its partners before it expires. */
        private Duration within;

        /** Call the handler on the publishing thread instead of through the subscriber's queue. */
        private boolean inline;

        /** The attribute whose equal values are delivered in order (parallel across values). */
        private String orderingKey;

        /** How many firings are delivered at once. */
        private Integer concurrency;

        /** The most firings the subscriber's queue holds. */
        private Integer queueCapacity;

        /** How many attempts a firing gets before it is dead-lettered. */
        private Integer maxAttempts;

        /** The backoff before the first retry (doubling up to max-backoff). */
        private Duration initialBackoff;

        /** The longest backoff between retries. */
        private Duration maxBackoff;

        /** The longest one attempt may take. */
        private Duration attemptTimeout;

        public String getCondition() {
            return condition;
        }

        public void setCondition(String condition) {
            this.condition = condition;
        }

        public String getHandler() {
            return handler;
        }

        public void setHandler(String handler) {
            this.handler = handler;
        }

        public String getTopic() {
            return topic;
        }

        public void setTopic(String topic) {
            this.topic = topic;
        }

        public String getDeadLetter() {
            return deadLetter;
        }

        public void setDeadLetter(String deadLetter) {
            this.deadLetter = deadLetter;
        }

        public String getCorrelateBy() {
            return correlateBy;
        }

        public void setCorrelateBy(String correlateBy) {
            this.correlateBy = correlateBy;
        }

        public Duration getWithin() {
            return within;
        }

        public void setWithin(Duration within) {
            this.within = within;
        }

        public boolean isInline() {
            return inline;
        }

        public void setInline(boolean inline) {
            this.inline = inline;
        }

        public String getOrderingKey() {
            return orderingKey;
        }

        public void setOrderingKey(String orderingKey) {
            this.orderingKey = orderingKey;
        }

        public Integer getConcurrency() {
            return concurrency;
        }

        public void setConcurrency(Integer concurrency) {
            this.concurrency = concurrency;
        }

        public Integer getQueueCapacity() {
            return queueCapacity;
        }

        public void setQueueCapacity(Integer queueCapacity) {
            this.queueCapacity = queueCapacity;
        }

        public Integer getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public Duration getAttemptTimeout() {
            return attemptTimeout;
        }

        public void setAttemptTimeout(Duration attemptTimeout) {
            this.attemptTimeout = attemptTimeout;
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
