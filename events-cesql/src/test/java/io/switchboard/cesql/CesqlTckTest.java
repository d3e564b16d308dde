package io.switchboard.cesql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every case of the CESQL v1 conformance suite (TCK, see the NOTICE next to the JSON files): the value, the
 * error kind (or no error), and that {@code test()} agrees with {@code evaluate()}.
 */
class CesqlTckTest {

    private static final String[] FILES = {
        "binary_comparison_operators", "binary_logical_operators", "binary_math_operators", "case_sensitivity",
        "casting_functions", "context_attributes_access", "exists_expression", "in_expression",
        "integer_builtin_functions", "like_expression", "literals", "negate_operator", "not_operator",
        "parse_errors", "spec_examples", "string_builtin_functions", "sub_expression", "subscriptions_api_recreations",
    };

    /** The user-defined functions the sdk-go TCK file expects. */
    static final CesqlParser WITH_TCK_FUNCTIONS = Cesql.builder()
            .function("HASPREFIX", CesqlType.BOOLEAN, List.of(CesqlType.STRING, CesqlType.STRING),
                    call -> call.stringArgument(0).startsWith(call.stringArgument(1)))
            .variadicFunction("KONKAT", CesqlType.STRING, List.of(), CesqlType.STRING, call -> {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < call.argumentCount(); i++) {
                    sb.append(call.stringArgument(i));
                }
                return sb.toString();
            })
            .build();

    /**
     * The data extension enabled, with an accessor that would answer every path: CESQL v1 expressions must mean exactly
     * what they mean without the extension.
     */
    static final CesqlParser WITH_DATA_FIELDS = Cesql.builder().dataFields((event, path) -> "anything").build();

    static Stream<Arguments> specCases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String file : FILES) {
            load(file, out);
        }
        return out.stream();
    }

    static Stream<Arguments> userFunctionCases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        load("user_defined_functions", out);
        return out.stream();
    }

    private static void load(String file, List<Arguments> out) throws IOException {
        try (InputStream in = CesqlTckTest.class.getResourceAsStream("tck/" + file + ".json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            for (JsonNode test : root.get("tests")) {
                out.add(Arguments.of(file + ": " + test.get("name").asText(), test));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specCases")
    void conformsToTheSpecSuite(String name, JsonNode test) {
        check(CesqlParser.DEFAULT, test);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specCases")
    void conformsToTheSpecSuiteWithTheDataExtensionEnabled(String name, JsonNode test) {
        check(WITH_DATA_FIELDS, test);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("userFunctionCases")
    void conformsToTheUserDefinedFunctionSuite(String name, JsonNode test) {
        check(WITH_TCK_FUNCTIONS, test);
    }

    private static void check(CesqlParser parser, JsonNode test) {
        String expression = test.get("expression").asText();
        String error = test.hasNonNull("error") ? test.get("error").asText() : null;
        if ("parse".equals(error) || "missingFunction".equals(error)) {
            assertThatThrownBy(() -> parser.parse(expression))
                    .isInstanceOfSatisfying(CesqlException.class, e -> {
                        assertThat(e.kind()).isEqualTo(kind(error));
                        assertThat(e.getMessage()).isNotEmpty();
                    });
            return;
        }
        CesqlExpression compiled = parser.parse(expression);
        CloudEvent event = TckEvents.fromJson(test.get("event"), test.get("eventOverrides"));
        CesqlResult result = compiled.evaluate(event);
        JsonNode expected = test.get("result");
        Object expectedValue = expected.isBoolean() ? (Object) expected.booleanValue()
                : expected.isInt() ? (Object) expected.intValue() : expected.asText();
        assertThat(result.value()).as("value of %s", expression).isEqualTo(expectedValue);
        if (error == null) {
            assertThat(result.errors()).as("errors of %s", expression).isEmpty();
        } else {
            assertThat(result.errors()).as("errors of %s", expression).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.kind()).isEqualTo(kind(error)));
        }
        assertThat(compiled.test(event)).as("test() of %s", expression).isEqualTo(result.passes());
    }

    static CesqlErrorKind kind(String tckName) {
        return switch (tckName) {
            case "parse" -> CesqlErrorKind.PARSE;
            case "math" -> CesqlErrorKind.MATH;
            case "cast" -> CesqlErrorKind.CAST;
            case "missingFunction" -> CesqlErrorKind.MISSING_FUNCTION;
            case "functionEvaluation" -> CesqlErrorKind.FUNCTION_EVALUATION;
            case "missingAttribute" -> CesqlErrorKind.MISSING_ATTRIBUTE;
            default -> CesqlErrorKind.GENERIC;
        };
    }
}
