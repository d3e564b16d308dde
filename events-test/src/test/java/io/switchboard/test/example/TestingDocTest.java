package io.switchboard.test.example;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/testing.md quotes the example classes verbatim: this keeps the quote and the compiled code the same. */
class TestingDocTest {

    private static final Path DOC = Path.of("..", "docs", "testing.md");
    private static final Path EXAMPLE = Path.of("src", "test", "java", "io", "switchboard", "test", "example");

    @Test
    void theDocQuotesTheExampleTestAndRoutesAsTheyCompile() throws IOException {
        String doc = Files.readString(DOC);

        assertThat(doc).as("docs/testing.md quotes OrderRoutesTest.java from its imports on")
                .contains(fromImports(EXAMPLE.resolve("OrderRoutesTest.java")));
        assertThat(doc).as("docs/testing.md quotes OrderRoutes.java from its imports on")
                .contains(fromImports(EXAMPLE.resolve("OrderRoutes.java")));
    }

    private static String fromImports(Path source) throws IOException {
        String text = Files.readString(source);
        return text.substring(text.indexOf("import "));
    }
}
