package io.switchboard.spring;

import io.switchboard.spi.EventBusProvider;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the application already says about its brokers: which broker bus types are on the class path (their
 * {@link EventBusProvider}s, found by ServiceLoader or declared as beans) and the Spring Boot properties of those
 * brokers ({@code spring.kafka.bootstrap-servers}, {@code spring.data.redis.*}). Lets a bus be declared without a
 * provider type, and without repeating the broker's address.
 */
final class BusDefaults {

    static final String KAFKA = "kafka";
    static final String NATS = "nats";
    static final String REDIS = "redis";
    private static final Set<String> NOT_BROKERS = Set.of("memory");
    /** The setting that holds a broker's address, by bus type. */
    private static final Map<String, String> ADDRESS_KEYS = Map.of(KAFKA, "bootstrap.servers", NATS, "servers",
            REDIS, "redis.uri");

    private final Set<String> brokerTypes;
    private final Environment environment;

    BusDefaults(Set<String> brokerTypes, Environment environment) {
        this.brokerTypes = Set.copyOf(brokerTypes);
        this.environment = environment;
    }

    /** The broker bus types of {@code loader}'s providers plus {@code declared} ones. */
    static BusDefaults discover(ClassLoader loader, List<EventBusProvider> declared, Environment environment) {
        Set<String> types = new TreeSet<>();
        for (EventBusProvider p : ServiceLoader.load(EventBusProvider.class, loader)) {
            types.add(p.type());
        }
        declared.forEach(p -> types.add(p.type()));
        types.removeAll(NOT_BROKERS);
        return new BusDefaults(types, environment);
    }

    /** The broker bus types available, sorted. */
    Set<String> brokerTypes() {
        return brokerTypes;
    }

    /**
     * The type of bus {@code name} declared without one: the only broker type on the class path, or else the only one
     * the bus's settings or Spring Boot's broker properties give an address for ({@code bootstrap.servers} or
     * {@code spring.kafka.bootstrap-servers}: kafka; {@code servers}: nats; {@code redis.uri} or
     * {@code spring.data.redis.*}: redis). Otherwise {@code null}, with an error saying which to choose.
     */
    String inferType(String name, Map<String, String> config, List<String> errors) {
        if (brokerTypes.size() == 1) {
            return brokerTypes.iterator().next();
        }
        Set<String> addressed = new TreeSet<>();
        for (String type : brokerTypes) {
            String key = ADDRESS_KEYS.get(type);
            if ((key != null && config.containsKey(key)) || !complete(type, Map.of()).isEmpty()) {
                addressed.add(type);
            }
        }
        if (addressed.size() == 1) {
            return addressed.iterator().next();
        }
        errors.add("bus '" + name + "' has no type and " + (brokerTypes.isEmpty()
                ? "no broker module is on the class path: add events-kafka, events-nats or events-redis, or set"
                : "several broker modules are on the class path " + brokerTypes
                + (addressed.isEmpty() ? "" : ", with addresses configured for " + addressed) + ": set")
                + " switchboard.buses." + name + ".type (memory" + (brokerTypes.isEmpty() ? "" : ", "
                + String.join(", ", brokerTypes)) + ")");
        return null;
    }

    /**
     * The default bus implied by Spring Boot's own broker properties when the application declares none: a Kafka bus
     * when events-kafka is present and {@code spring.kafka.bootstrap-servers} is set, a Redis bus when events-redis is
     * present and {@code spring.data.redis.url} or {@code .host} is set. {@code null} when none, or more than one,
     * applies (then the in-memory bus stays the default).
     */
    SwitchboardProperties.Bus inferDefaultBus() {
        SwitchboardProperties.Bus found = null;
        for (String type : brokerTypes) {
            Map<String, String> config = complete(type, Map.of());
            if (config.isEmpty()) {
                continue;
            }
            if (found != null) {
                return null; // two brokers configured: the application must say which one Switchboard uses
            }
            found = new SwitchboardProperties.Bus();
            found.setType(type);
        }
        return found;
    }

    /** {@code config} plus the broker address from Spring Boot's properties where {@code config} has none. */
    Map<String, String> complete(String type, Map<String, String> config) {
        Map<String, String> out = new LinkedHashMap<>(config);
        switch (type) {
            case KAFKA -> {
                // a list in YAML, a comma-separated string in properties: the binder reads both
                String servers = Binder.get(environment).bind("spring.kafka.bootstrap-servers",
                        Bindable.listOf(String.class)).map(list -> String.join(",", list)).orElse(null);
                if (servers != null && !out.containsKey("bootstrap.servers")) {
                    out.put("bootstrap.servers", servers);
                }
            }
            case REDIS -> {
                if (!out.containsKey("redis.uri")) {
                    String uri = redisUri();
                    if (uri != null) {
                        out.put("redis.uri", uri);
                    }
                }
            }
            default -> {
            }
        }
        return Map.copyOf(out);
    }

    private String redisUri() {
        String url = environment.getProperty("spring.data.redis.url");
        if (url != null) {
            return url;
        }
        String host = environment.getProperty("spring.data.redis.host");
        if (host == null) {
            return null;
        }
        String port = environment.getProperty("spring.data.redis.port", "6379");
        String database = environment.getProperty("spring.data.redis.database");
        return "redis://" + host + ":" + port + (database == null ? "" : "/" + database);
    }
}
