package io.switchboard.spring;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class PropertiesModelTest {

    @Test
    void indexedMapsBecomeListsAndKebabModelKeysBecomeCamelCaseButChosenNamesStay() {
        Map<String, Object> subscriber = new LinkedHashMap<>();
        subscriber.put("correlate-by", "subject");
        subscriber.put("sink", Map.of("handler", "ship"));
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("inputs", Map.of("order-created", Map.of("event-source", "app")));
        trigger.put("subscribers", Map.of("0", subscriber));
        Object normalized = PropertiesModel.normalize(Map.of("order-flow", trigger));

        assertThat(normalized).isEqualTo(Map.of("order-flow", Map.of(
                "inputs", Map.of("order-created", Map.of("eventSource", "app")),
                "subscribers", List.of(Map.of("correlateBy", "subject", "sink", Map.of("handler", "ship"))))));
    }

    @Test
    void eachLineOfTheRenderedTextKnowsItsProperty() {
        Map<String, Object> roots = new LinkedHashMap<>();
        roots.put("clusterEventBus", Map.of("kafka", Map.of("bootstrap.servers", "x")));
        roots.put("eventBuses", Map.of());
        roots.put("triggers", Map.of("t", Map.of("subscribers", Map.of("0", Map.of("within", "soon")))));
        PropertiesModel model = PropertiesModel.of(roots);
        String[] lines = model.text().split("\n");
        int within = -1;
        int servers = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("\"within\"")) {
                within = i + 1;
            }
            if (lines[i].contains("bootstrap.servers")) {
                servers = i + 1;
            }
        }
        assertThat(model.propertyAt(within)).isEqualTo("switchboard.triggers.t.subscribers[0].within");
        assertThat(model.propertyAt(servers)).isEqualTo("switchboard.cluster-event-bus.kafka[bootstrap.servers]");
        assertThat(model.text()).doesNotContain("eventBuses"); // empty roots are left out
    }

    @Test
    void valuesAreQuotedSoNothingInThemIsReadAsStructure() {
        PropertiesModel model = PropertiesModel.of(Map.of("triggers", Map.of("t",
                Map.of("x", "a\"b: {c}\n- d"))));
        assertThat(model.text()).contains("\"x\": \"a\\\"b: {c}\\n- d\"");
    }

    @Test
    void nothingDeclaredIsAnEmptyModel() {
        Map<String, Object> roots = new LinkedHashMap<>();
        roots.put("triggers", Map.of());
        assertThat(PropertiesModel.of(roots).isEmpty()).isTrue();
    }

    /**
     * The kebab-case keys accepted are those of the configuration-file loader: every key list and field table it
     * declares is read here, so a key added to the file model without being added to the starter fails this test.
     */
    @Test
    void theModelKeysAreTheConfigurationLoadersKeys() throws Exception {
        Set<String> loaderKeys = new TreeSet<>();
        for (String className : List.of("io.switchboard.core.internal.config.ConfigBinder",
                "io.switchboard.core.internal.config.Kinds")) {
            for (Field f : Class.forName(className).getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                collect(f.get(null), loaderKeys);
            }
        }
        assertThat(loaderKeys).contains("correlateBy", "eventSource", "brokers", "clusterEventBus");
        assertThat(PropertiesModel.MODEL_KEYS).containsAll(loaderKeys);
    }

    private static void collect(Object value, Set<String> keys) throws Exception {
        if (value instanceof String s && s.matches("[a-z][A-Za-z]*")) {
            keys.add(s);
        } else if (value instanceof List<?> list) {
            for (Object o : new ArrayList<>(list)) {
                collect(o, keys);
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                collect(e.getKey(), keys);
                collect(e.getValue(), keys);
            }
        } else if (value != null && value.getClass().isRecord()) {
            var components = value.getClass().getRecordComponents();
            var name = components[0].getAccessor();
            name.setAccessible(true);
            collect(name.invoke(value), keys);
        }
    }
}
