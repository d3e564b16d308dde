package io.switchboard.core.config;

import io.switchboard.core.Switchboard;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Broken configuration files, one mistake each (broken-files.txt: {@code === name}, the file, then {@code --> } and
 * the exact problem, {@code file:line:column: what; fix}). Each must be reported with its exact message and place.
 */
class BrokenConfigurationTest {

    record Case(String name, String yaml, List<String> expected) {
    }

    static List<Case> cases() throws IOException {
        String all;
        try (InputStream in = BrokenConfigurationTest.class.getResourceAsStream("broken-files.txt")) {
            all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Case> cases = new ArrayList<>();
        for (String section : all.split("(?m)^=== ")) {
            if (section.isBlank()) {
                continue;
            }
            int nl = section.indexOf('\n');
            String name = section.substring(0, nl).trim();
            StringBuilder yaml = new StringBuilder();
            List<String> expected = new ArrayList<>();
            for (String line : section.substring(nl + 1).split("\n", -1)) {
                if (line.startsWith("--> ")) {
                    expected.add(line.substring(4));
                } else if (expected.isEmpty()) {
                    yaml.append(line).append('\n');
                }
            }
            cases.add(new Case(name, yaml.toString().stripTrailing() + "\n", expected));
        }
        return cases;
    }

    static List<String> problems(String yaml) {
        ConfigurationProblems e = catchThrowableOfType(ConfigurationProblems.class, () -> Switchboard.builder()
                .configuration(new StringReader(yaml), "switchboard.yaml")
                .environment(Map.<String, String>of()::get)
                .handler("h", event -> { })
                .build()
                .close());
        return e == null ? List.of() : e.problems().stream().map(Object::toString).toList();
    }

    /**
     * Also writes every case with what the loader reports now to target/broken-files.actual.txt, in the format of
     * broken-files.txt, so that a changed message can be reviewed and taken over.
     */
    @TestFactory
    Stream<DynamicTest> eachBrokenFileIsReportedWithItsExactMessageAndPlace() throws IOException {
        StringBuilder actual = new StringBuilder();
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases()) {
            List<String> reported = problems(c.yaml());
            actual.append("=== ").append(c.name()).append('\n').append(c.yaml());
            reported.forEach(p -> actual.append("--> ").append(p).append('\n'));
            tests.add(DynamicTest.dynamicTest(c.name(), () ->
                    assertThat(reported).as(c.name()).containsExactlyElementsOf(c.expected())));
        }
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "broken-files.actual.txt"), actual);
        return tests.stream();
    }

    @Test
    void thereAreAtLeastThirtyBrokenFilesEachWithAnExpectedProblem() throws IOException {
        assertThat(cases()).hasSizeGreaterThanOrEqualTo(30).allSatisfy(c -> assertThat(c.expected()).isNotEmpty());
    }
}
