package io.switchboard.core;

import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventSource;
import io.switchboard.api.Sink;
import io.switchboard.api.SourceContext;
import io.switchboard.api.Subscriber;
import io.switchboard.api.Trigger;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BuildValidationTest {

    private static final Sink NOTHING = Sink.handler(e -> { });

    private static Trigger trigger(String name, String filter) {
        return Trigger.builder(name).input("in", filter).subscriber("s", null, NOTHING).build();
    }

    private static EventSource source(String name) {
        return new EventSource() {
            public String name() { return name; }
            public void start(SourceContext context) { }
            public void close() { }
        };
    }

    @Test
    void duplicate_trigger_names_are_rejected() {
        assertThatThrownBy(() -> Switchboard.builder().trigger(trigger("t", null)).trigger(trigger("t", null)).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("two triggers are named 't'").hasMessageContaining("give each trigger its own name");
    }

    @Test
    void an_invalid_filter_names_trigger_and_input_and_quotes_the_expression() {
        assertThatThrownBy(() -> Switchboard.builder().trigger(trigger("orders", "type = = 'x'")).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("trigger 'orders' input 'in'")
                .hasMessageContaining("\"type = = 'x'\"")
                .hasMessageContaining("not valid CESQL");
    }

    @Test
    void an_input_reading_an_unregistered_source_says_how_to_register_it() {
        Trigger t = Trigger.builder("t").input("in", "webhooks", null).subscriber("s", null, NOTHING).build();
        assertThatThrownBy(() -> Switchboard.builder().source(source("cron")).trigger(t).build())
                .hasMessageContaining("reads source 'webhooks', which is not registered")
                .hasMessageContaining(".source(...)").hasMessageContaining("[cron]");
    }

    @Test
    void a_trigger_on_an_undeclared_bus_lists_the_configured_buses() {
        Trigger t = Trigger.builder("t").bus("orders").input("in", null).subscriber("s", null, NOTHING).build();
        assertThatThrownBy(() -> Switchboard.builder().trigger(t).build())
                .hasMessageContaining("reads bus 'orders', which is not configured")
                .hasMessageContaining("bus(\"orders\", ...)").hasMessageContaining("[default]");
    }

    @Test
    void a_condition_naming_an_unknown_input_fails_at_build() {
        Trigger t = Trigger.builder("t").input("a", null).input("b", null)
                .subscriber(Subscriber.builder("s").condition("a && c").sink(NOTHING).build()).build();
        assertThatThrownBy(() -> Switchboard.builder().trigger(t).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'c'").hasMessageContaining("a");
    }

    @Test
    void unknown_provider_types_and_bad_provider_settings_are_named() {
        assertThatThrownBy(() -> Switchboard.builder().bus("orders", "carrier-pigeon", Map.of()).build())
                .hasMessageContaining("bus 'orders' has type 'carrier-pigeon'").hasMessageContaining("memory");
        assertThatThrownBy(() -> Switchboard.builder().bus("orders", "memory", Map.of("partitions", "many")).build())
                .hasMessageContaining("bus 'orders' (type memory) could not be created")
                .hasMessageContaining("'partitions' must be a whole number");
        assertThatThrownBy(() -> Switchboard.builder().source("ticks", "no-such-type", Map.of()).build())
                .hasMessageContaining("source 'ticks' has type 'no-such-type'");
    }

    @Test
    void source_names_must_be_unique_and_not_the_application_name() {
        assertThatThrownBy(() -> Switchboard.builder().source(source("a")).source(source("a")).build())
                .hasMessageContaining("two sources are named 'a'");
        assertThatThrownBy(() -> Switchboard.builder().source(source("app")).build())
                .hasMessageContaining("'app' is reserved");
    }

    @Test
    void every_mistake_is_reported_in_one_exception() {
        assertThatThrownBy(() -> Switchboard.builder()
                .trigger(trigger("a", "type = ")).trigger(trigger("b", "(("))
                .bus("x", "memory", Map.of()).bus("x", "memory", Map.of())
                .build())
                .hasMessageStartingWith("3 configuration problems:")
                .hasMessageContaining("trigger 'a'").hasMessageContaining("trigger 'b'")
                .hasMessageContaining("bus 'x' is declared twice");
    }

    @Test
    void runtime_changes_are_validated_the_same_way() {
        try (Switchboard sb = Switchboard.builder().trigger(trigger("t", null)).build()) {
            assertThatThrownBy(() -> sb.addTrigger(trigger("t", null)))
                    .hasMessageContaining("already exists").hasMessageContaining("replaceTrigger");
            assertThatThrownBy(() -> sb.replaceTrigger(trigger("u", null)))
                    .hasMessageContaining("no trigger named 'u' to replace");
            assertThatThrownBy(() -> sb.replaceTrigger(trigger("t", "type = = 1")))
                    .hasMessageContaining("not valid CESQL");
            assertThatThrownBy(() -> sb.removeTrigger("nope")).hasMessageContaining("live triggers: [t]");
        }
    }
}
