package io.switchboard.spring;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.core.SpringVersion;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's pom sets {@code spring.version} itself (the parent's entry for the benchmark's Spring Framework 6 would
 * otherwise win over Spring Boot's BOM). This fails when Spring Boot is moved to another generation without it.
 */
class SpringGenerationTest {

    @Test
    void springFrameworkIsTheGenerationSpringBootIsBuiltOn() {
        assertThat(SpringBootVersion.getVersion()).startsWith("4.0.");
        assertThat(SpringVersion.getVersion()).startsWith("7.0.");
    }
}
