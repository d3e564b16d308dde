package io.switchboard.core.internal.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.switchboard.cesql.Cesql;
import io.switchboard.cesql.CesqlErrorKind;
import io.switchboard.cesql.CesqlParser;
import io.switchboard.cesql.CesqlResult;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Data filters against the Jackson-backed accessor: a table of data, expression, and the expected outcome (passes, or
 * the kind of the error that stops it), plus the parse-once and bounds promises.
 */
class JsonDataFilterTableTest {

    private static final String ORDER = """
            {"total": 150, "currency": "EUR", "paid": true, "discount": 0, "note": null,
             "customer": {"tier": "gold", "name": "Zoë Ñandú", "address": {"city": "Zürich", "zip": "8001"}},
             "lines": [{"sku": "A-1", "qty": 2}, {"sku": "B-2", "qty": 1}],
             "tags": ["new", "vip"], "matrix": [[1, 2], [3, 4]],
             "big": 2147483648, "max": 2147483647, "min": -2147483648, "huge": 123456789012345678901234567890,
             "ratio": 0.5, "whole": 100.0, "unit price": 7, "emoji": "🚀", "empty": "", "nested": {"a": {"b": {"c": true}}},
             "nums": "42", "flag": "true", "négatif": -5}
            """;

    static final JsonData DATA = new JsonData(64 * 1024, 16);
    static final CesqlParser PARSER = Cesql.builder().dataFields(DATA).build();

    static Stream<Arguments> table() {
        return Stream.of(
                // scalars of each CESQL type
                passes(ORDER, "data.total > 100"),
                fails(ORDER, "data.total > 200"),
                passes(ORDER, "data.total = 150"),
                passes(ORDER, "data.currency = 'EUR'"),
                passes(ORDER, "data.paid"),
                passes(ORDER, "data.paid = TRUE"),
                passes(ORDER, "data.discount = 0"),
                passes(ORDER, "data.empty = ''"),
                // implicit casts like extension attributes
                passes(ORDER, "data.nums = 42"),
                passes(ORDER, "data.nums + 1 = 43"),
                passes(ORDER, "data.flag = TRUE"),
                passes(ORDER, "data.total = '150'"),
                error(ORDER, "data.currency + 1 = 2", CesqlErrorKind.CAST),
                // nested objects
                passes(ORDER, "data.customer.tier = 'gold'"),
                passes(ORDER, "data.customer.address.city = 'Zürich'"),
                passes(ORDER, "data.customer.address.zip = '8001'"),
                passes(ORDER, "data.nested.a.b.c"),
                // arrays
                passes(ORDER, "data.lines[0].sku = 'A-1'"),
                passes(ORDER, "data.lines[1].qty = 1"),
                passes(ORDER, "data.tags[1] = 'vip'"),
                passes(ORDER, "data.matrix[1][0] = 3"),
                error(ORDER, "data.lines[2].sku = 'C'", CesqlErrorKind.MISSING_ATTRIBUTE),
                error(ORDER, "data.tags.first = 'x'", CesqlErrorKind.MISSING_ATTRIBUTE),
                error(ORDER, "data.customer[0] = 'x'", CesqlErrorKind.MISSING_ATTRIBUTE),
                // missing paths and non-scalars
                error(ORDER, "data.absent = 1", CesqlErrorKind.MISSING_ATTRIBUTE),
                error(ORDER, "data.customer.absent.deeper = 1", CesqlErrorKind.MISSING_ATTRIBUTE),
                error(ORDER, "data.total.value = 1", CesqlErrorKind.MISSING_ATTRIBUTE),
                error(ORDER, "data.note = 'x'", CesqlErrorKind.MISSING_ATTRIBUTE),
                error(ORDER, "data.customer = 'x'", CesqlErrorKind.CAST),
                error(ORDER, "data.lines = 'x'", CesqlErrorKind.CAST),
                // an error anywhere stops a filter, as for a missing attribute (CESQL 1.2)
                error(ORDER, "NOT (data.absent = 1) OR TRUE", CesqlErrorKind.MISSING_ATTRIBUTE),
                // unicode in values and names
                passes(ORDER, "data.customer.name = 'Zoë Ñandú'"),
                passes(ORDER, "data.emoji = '🚀'"),
                passes(ORDER, "data['négatif'] = -5"),
                passes(ORDER, "data['unit price'] * data.lines[0].qty = 14"),
                passes(ORDER, "data.customer.name LIKE 'Zo%'"),
                // numbers at and beyond the Integer range, and non-integers
                passes(ORDER, "data.max = 2147483647"),
                passes(ORDER, "data.min = -2147483648"),
                error(ORDER, "data.big > 0", CesqlErrorKind.CAST),
                error(ORDER, "data.huge > 0", CesqlErrorKind.CAST),
                error(ORDER, "data.ratio > 0", CesqlErrorKind.CAST),
                error(ORDER, "data.whole = 100", CesqlErrorKind.CAST),
                // combined with attributes
                passes(ORDER, "type = 'order.created' AND data.total > 100"),
                fails(ORDER, "type = 'order.paid' AND data.total > 100"),
                passes(ORDER, "data.customer.tier IN ('silver', 'gold') AND EXISTS subject = FALSE"),
                // JSON that is not an object
                passes("[10, 20]", "data[1] = 20"),
                error("\"plain\"", "data[0] = 'x'", CesqlErrorKind.MISSING_ATTRIBUTE),
                error("42", "data.a = 1", CesqlErrorKind.MISSING_ATTRIBUTE),
                // not JSON, absent data, other content types
                error("{not json", "data.a = 1", CesqlErrorKind.GENERIC),
                error("{\"a\": 1} trailing", "data.a = 1", CesqlErrorKind.GENERIC),
                error(null, "data.a = 1", CesqlErrorKind.MISSING_ATTRIBUTE),
                error("", "data.a = 1", CesqlErrorKind.MISSING_ATTRIBUTE),
                Arguments.of("{\"a\": 1}", "text/plain", "data.a = 1", false, CesqlErrorKind.GENERIC),
                Arguments.of("{\"a\": 1}", "application/cloudevents+json", "data.a = 1", true, null),
                Arguments.of("{\"a\": 1}", "application/json; charset=utf-8", "data.a = 1", true, null),
                Arguments.of("{\"a\": 1}", null, "data.a = 1", true, null),
                // bounds: nesting beyond the accessor's depth, data beyond its size
                error("[".repeat(40) + "]".repeat(40), "data[0] = 1", CesqlErrorKind.GENERIC),
                error("{\"s\": \"" + "x".repeat(70 * 1024) + "\"}", "data.s = 'x'", CesqlErrorKind.GENERIC));
    }

    private static Arguments passes(String json, String expression) {
        return Arguments.of(json, "application/json", expression, true, null);
    }

    private static Arguments fails(String json, String expression) {
        return Arguments.of(json, "application/json", expression, false, null);
    }

    private static Arguments error(String json, String expression, CesqlErrorKind kind) {
        return Arguments.of(json, "application/json", expression, false, kind);
    }

    static CloudEvent event(String json, String contentType) {
        CloudEventBuilder b = CloudEventBuilder.v1().withId("1").withSource(URI.create("/orders"))
                .withType("order.created");
        if (json != null) {
            b.withData(contentType, json.getBytes(StandardCharsets.UTF_8));
        } else if (contentType != null) {
            b.withDataContentType(contentType);
        }
        return b.build();
    }

    @ParameterizedTest(name = "{2} on {1} data {0}")
    @MethodSource("table")
    void filtersReadTheDataAsTheTableSays(String json, String contentType, String expression, boolean passes,
                                          CesqlErrorKind error) {
        CloudEvent event = event(json, contentType);
        CesqlResult result = PARSER.parse(expression).evaluate(event);
        assertThat(PARSER.parse(expression).test(event)).as("test()").isEqualTo(passes);
        assertThat(result.passes()).as("evaluate().passes()").isEqualTo(passes);
        if (error == null) {
            assertThat(result.errors()).as("errors").isEmpty();
        } else {
            assertThat(result.errors()).as("errors").isNotEmpty().allSatisfy(e -> assertThat(e.kind()).isEqualTo(error));
        }
    }

    @Test
    void theTableHasAtLeastFortyCases() {
        assertThat(table().count()).isGreaterThanOrEqualTo(40);
    }

    @Test
    void anEventIsParsedOnceHoweverManyFiltersReadIt() {
        JsonData data = new JsonData(1024 * 1024, 64);
        CesqlParser parser = Cesql.builder().dataFields(data).build();
        CloudEvent event = event(ORDER, "application/json");
        for (String f : new String[] {"data.total > 100", "data.customer.tier = 'gold'", "data.lines[0].qty = 2",
                "data.absent = 1", "data.tags[0] = 'new'"}) {
            parser.parse(f).test(event);
        }
        assertThat(data.parses()).isEqualTo(1);
        parser.parse("data.total > 100").test(event(ORDER, "application/json"));
        assertThat(data.parses()).as("another event is parsed anew").isEqualTo(2);
    }

    @Test
    void anEventNoDataFilterReadsIsNeverParsed() {
        JsonData data = new JsonData(1024 * 1024, 64);
        CesqlParser parser = Cesql.builder().dataFields(data).build();
        CloudEvent event = event(ORDER, "application/json");
        assertThat(parser.parse("type = 'order.created' OR source = '/x'").test(event)).isTrue();
        assertThat(parser.parse("type = 'other' AND data.total > 100").test(event)).isFalse();
        assertThat(data.parses()).isZero();
    }

    @Test
    void anAlreadyParsedTreeIsHeldToTheSameDepthBound() throws Exception {
        JsonData data = new JsonData(1024, 8);
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        CloudEvent deep = CloudEventBuilder.v1().withId("1").withSource(URI.create("/x")).withType("t")
                .withData("application/json", io.cloudevents.jackson.JsonCloudEventData.wrap(
                        mapper.readTree("{\"a\": " + "[".repeat(9) + "]".repeat(9) + "}"))).build();
        assertThat(data.parsed(deep).problem()).contains("nests deeper than 8 levels");
        CloudEvent shallow = CloudEventBuilder.v1().withId("2").withSource(URI.create("/x")).withType("t")
                .withData("application/json", io.cloudevents.jackson.JsonCloudEventData.wrap(
                        mapper.readTree("{\"a\": {\"b\": [1, 2]}}"))).build();
        assertThat(Cesql.builder().dataFields(data).build().parse("data.a.b[1] = 2").test(shallow)).isTrue();
        assertThat(data.parses()).as("a tree is not parsed again").isZero();
    }

    @Test
    void hugeOrDeepDataIsRefusedWithAClearReasonNotAnError() {
        JsonData data = new JsonData(1024, 8);
        JsonData.Parsed deep = data.parsed(event("[".repeat(100_000) + "]".repeat(100_000), "application/json"));
        assertThat(deep.tree()).isNull();
        assertThat(deep.problem()).contains("more than the limit of 1024");
        JsonData.Parsed nested = data.parsed(event("[".repeat(9) + "]".repeat(9), "application/json"));
        assertThat(nested.problem()).contains("nests deeper than 8 levels");
        assertThat(data.parsed(event("[".repeat(8) + "]".repeat(8), "application/json")).tree()).isNotNull();
    }
}
