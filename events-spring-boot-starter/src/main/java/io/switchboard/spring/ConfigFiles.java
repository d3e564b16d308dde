package io.switchboard.spring;

import io.switchboard.api.ConfigurationException;
import io.switchboard.core.Switchboard;
import org.springframework.core.io.ResourceLoader;

import java.util.List;
import java.util.function.Consumer;

/** Loads {@code switchboard.config-file}. */
final class ConfigFiles {

    private ConfigFiles() {
    }

    static List<Consumer<Switchboard.Builder>> load(String location, ResourceLoader resources, HandlerRegistry handlers) {
        if (location == null || location.isBlank()) {
            return List.of();
        }
        throw new ConfigurationException("switchboard.config-file is not supported yet");
    }
}
