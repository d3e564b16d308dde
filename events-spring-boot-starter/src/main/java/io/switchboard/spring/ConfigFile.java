package io.switchboard.spring;

import io.switchboard.api.ConfigurationException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The text of {@code switchboard.config-file}, read once when the routes are assembled.
 *
 * @param location the location as configured (it names the file in problems)
 * @param text     its content
 * @param base     the directory of a file on the file system, against which the file's relative paths (JSON
 *                 Schema files) resolve; {@code null} for a classpath resource (the working directory applies)
 */
record ConfigFile(String location, String text, java.nio.file.Path base) {

    /** Reads {@code location} through Spring's resource loading (classpath:, file:, or a plain path). */
    static ConfigFile read(String location, ResourceLoader resources) {
        if (location == null || location.isBlank()) {
            return null;
        }
        Resource resource = resources.getResource(location.trim());
        if (!resource.exists()) {
            throw new ConfigurationException("switchboard.config-file is '" + location + "', which does not exist:"
                    + " give a classpath: or file: location of a switchboard.yaml, e.g. classpath:/switchboard.yaml");
        }
        try {
            java.nio.file.Path base = resource.isFile() ? resource.getFile().toPath().toAbsolutePath().getParent()
                    : null;
            return new ConfigFile(location.trim(), resource.getContentAsString(StandardCharsets.UTF_8), base);
        } catch (IOException e) {
            throw new ConfigurationException("switchboard.config-file '" + location + "' cannot be read: "
                    + e.getMessage() + " — check the file and its permissions", e);
        }
    }

    /**
     * Whether the file declares the default bus (then none is made from Spring Boot's broker properties). A file
     * that does not parse says no here; the loader reports its mistakes with their lines.
     */
    boolean declaresClusterEventBus() {
        try {
            return new Load(LoadSettings.builder().build()).loadFromString(text) instanceof java.util.Map<?, ?> m
                    && m.containsKey("clusterEventBus");
        } catch (RuntimeException unparsable) {
            return false;
        }
    }
}
