package io.switchboard.core.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The published JSON Schema of switchboard.yaml says what the loader reads: same keys, same required fields. */
class ConfigSchemaTest {

    private static final String SCHEMA = "/io/switchboard/core/config/switchboard.schema.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode schemaTree() throws IOException {
        try (InputStream in = ConfigSchemaTest.class.getResourceAsStream(SCHEMA)) {
            return JSON.readTree(in);
        }
    }

    static List<String> properties(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.get("properties").fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    static List<String> required(JsonNode node) {
        List<String> keys = new ArrayList<>();
        if (node.has("required")) {
            node.get("required").forEach(k -> keys.add(k.asText()));
        }
        return keys;
    }

    /** Errors of validating a YAML text against the schema (converted to JSON first). */
    static List<String> validate(String yaml) throws IOException {
        Object tree = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        Schema schema;
        try (InputStream in = ConfigSchemaTest.class.getResourceAsStream(SCHEMA)) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
        return schema.validate(JSON.writeValueAsString(tree), InputFormat.JSON).stream()
                .map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = ConfigSchemaTest.class.getResourceAsStream("/io/switchboard/core/config/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theSchemaHasTheLoadersKeysAtEveryLevel() throws IOException {
        JsonNode schema = schemaTree();
        JsonNode defs = schema.get("$defs");
        assertThat(properties(schema)).containsExactlyElementsOf(ConfigBinder.ROOT);
        Map<String, List<String>> levels = new LinkedHashMap<>();
        levels.put("eventSource", ConfigBinder.EVENT_SOURCE);
        levels.put("trigger", ConfigBinder.TRIGGER);
        levels.put("input", ConfigBinder.INPUT);
        levels.put("subscriber", ConfigBinder.SUBSCRIBER);
        levels.put("sink", ConfigBinder.SINK);
        levels.put("ref", ConfigBinder.REF);
        levels.put("delivery", ConfigBinder.DELIVERY);
        levels.put("rateLimit", ConfigBinder.RATE_LIMIT);
        levels.put("batch", ConfigBinder.BATCH);
        levels.put("bus", List.copyOf(Kinds.BUSES.keySet()));
        levels.put("data", ConfigBinder.DATA);
        levels.put("schema", ConfigBinder.SCHEMA);
        levels.forEach((level, keys) -> assertThat(properties(defs.get(level))).as(level).containsExactlyElementsOf(keys));
        check(defs, "source.", Kinds.SOURCES);
        check(defs, "bus.", Kinds.BUSES);
        List<String> defined = new ArrayList<>();
        defs.fieldNames().forEachRemaining(defined::add);
        assertThat(defined).as("every $def is checked").hasSize(levels.size() + Kinds.SOURCES.size() + Kinds.BUSES.size());
    }

    private static void check(JsonNode defs, String prefix, Map<String, List<Kinds.Field>> kinds) {
        kinds.forEach((kind, fields) -> {
            JsonNode def = defs.get(prefix + kind);
            List<String> names = new ArrayList<>(fields.stream().map(Kinds.Field::name).toList());
            names.add(ConfigBinder.PROPERTIES);
            assertThat(properties(def)).as(prefix + kind).containsExactlyElementsOf(names);
            assertThat(required(def)).as(prefix + kind + " required")
                    .containsExactlyElementsOf(fields.stream().filter(Kinds.Field::required).map(Kinds.Field::name).toList());
        });
    }

    @Test
    void aFileWithEveryKeyConformsToTheSchema() throws IOException {
        assertThat(validate(resource("complete.yaml"))).isEmpty();
    }

    @Test
    void theSchemaRejectsUnknownKeysAndMissingRequiredFields() throws IOException {
        assertThat(validate("eventSources: {clock: {cron: {tick: {schedul: '@daily'}}}}"))
                .anyMatch(e -> e.contains("schedul")).anyMatch(e -> e.contains("schedule"));
        assertThat(validate("triggers: {t: {inputs: {a: {eventSource: app}}}}")).anyMatch(e -> e.contains("subscribers"));
    }
}
