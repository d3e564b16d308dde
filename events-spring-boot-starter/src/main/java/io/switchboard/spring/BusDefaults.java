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
 * {@link EventBusProvider}s, found by ServiceLoader or declared as beans) and Spring Boot's own properties for those
 * brokers ({@code spring.kafka.bootstrap-servers}, {@code spring.data.redis.*}). Lets the default bus come from
 * those properties without naming a provider, and a declared Kafka or Redis bus leave out its address.
 */
final class BusDefaults {

    static final String KAFKA = "kafka";
    static final String REDIS = "redis";

    /** A bus to create by type. */
    record Inferred(String type, Map<String, String> config) {
    }

    private final Set<String> brokerTypes;
    private final Environment environment;

    BusDefaults(Set<String> brokerTypes, Environment environment) {
        this.brokerTypes = Set.copyOf(brokerTypes);
        this.environment = environment;
    }

    /** The bus types of {@code loader}'s providers plus {@code declared} ones. */
    static BusDefaults discover(ClassLoader loader, List<EventBusProvider> declared, Environment environment) {
        Set<String> types = new TreeSet<>();
        for (EventBusProvider p : ServiceLoader.load(EventBusProvider.class, loader)) {
            types.add(p.type());
        }
        declared.forEach(p -> types.add(p.type()));
        return new BusDefaults(types, environment);
    }

    /**
     * The default bus implied by Spring Boot's broker properties: Kafka when events-kafka is present and
     * {@code spring.kafka.bootstrap-servers} is set, Redis when events-redis is present and
     * {@code spring.data.redis.url} or {@code .host} is set. {@code null} when neither, or both, apply (then the
     * in-memory bus stays the default: with two brokers configured the application must say which one it means).
     */
    Inferred inferDefaultBus() {
        String kafka = brokerTypes.contains(KAFKA) ? kafkaServers() : null;
        String redis = brokerTypes.contains(REDIS) ? redisUri() : null;
        if (kafka != null && redis == null) {
            return new Inferred(KAFKA, Map.of("bootstrap.servers", kafka));
        }
        if (redis != null && kafka == null) {
            return new Inferred(REDIS, Map.of("redis.uri", redis));
        }
        return null;
    }

    /**
     * A bus declaration of the model ({@code kind: {fields}}) with the broker address filled in from Spring Boot's
     * properties where it has none: {@code kafka.brokers} from {@code spring.kafka.bootstrap-servers},
     * {@code redis.redisHost} from {@code spring.data.redis.*}.
     */
    Map<String, Object> withBrokerAddresses(Map<String, Object> bus) {
        Map<String, Object> out = new LinkedHashMap<>(bus);
        fill(out, KAFKA, "brokers", kafkaServers());
        fill(out, REDIS, "redisHost", redisUri());
        return out;
    }

    private static void fill(Map<String, Object> bus, String kind, String field, String value) {
        if (value != null && bus.get(kind) instanceof Map<?, ?> fields && !fields.containsKey(field)) {
            Map<Object, Object> filled = new LinkedHashMap<>(fields);
            filled.put(field, value);
            bus.put(kind, filled);
        }
    }

    private String kafkaServers() {
        // a list in YAML, a comma-separated string in properties: the binder reads both
        return Binder.get(environment).bind("spring.kafka.bootstrap-servers", Bindable.listOf(String.class))
                .map(list -> String.join(",", list)).orElse(null);
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
