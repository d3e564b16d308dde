package io.switchboard.cesql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The data extension's syntax and evaluation, against an accessor that answers from a fixed map of paths. */
class DataFieldsTest {

    private static final CloudEvent EVENT = TckEvents.base().build();

    private final List<CesqlDataPath> asked = new ArrayList<>();
    private final Map<String, Object> values = Map.of(
            "data.total", 150,
            "data.customer.tier", "gold",
            "data.lines[0].sku", "A-1",
            "data['unit price']", 7,
            "data['it\\'s']", true,
            "data.items", CesqlDataError.NOT_SCALAR,
            "data.big", CesqlDataError.NOT_INTEGER);
    private final CesqlParser parser = Cesql.builder().dataFields((event, path) -> {
        asked.add(path);
        return values.getOrDefault(path.toString(), CesqlDataError.MISSING);
    }).build();

    @Test
    void pathsParseIntoMemberNamesAndIndexes() {
        parser.parse("data.lines[0].sku = 'A-1'").test(EVENT);
        CesqlDataPath path = asked.get(0);
        assertThat(path.size()).isEqualTo(3);
        assertThat(path.name(0)).isEqualTo("lines");
        assertThat(path.isIndex(1)).isTrue();
        assertThat(path.index(1)).isZero();
        assertThat(path.name(2)).isEqualTo("sku");
        assertThat(path).hasToString("data.lines[0].sku");
    }

    @Test
    void valuesTakePartInComparisonsAndCastsLikeExtensions() {
        assertThat(parser.parse("type = 'base.type' AND data.total > 100").test(EVENT)).isTrue();
        assertThat(parser.parse("data.total > 200").test(EVENT)).isFalse();
        assertThat(parser.parse("data.total = '150'").test(EVENT)).isTrue();
        assertThat(parser.parse("data.customer.tier IN ('gold', 'platinum')").test(EVENT)).isTrue();
        assertThat(parser.parse("data['unit price'] * 2 = 14").test(EVENT)).isTrue();
        assertThat(parser.parse("data[\"it's\"]").test(EVENT)).isTrue();
        assertThat(parser.parse("data['it\\'s'] AND data.customer.tier LIKE 'g%'").test(EVENT)).isTrue();
        assertThat(parser.parse("DATA.total + 1").evaluate(EVENT).value()).isEqualTo(151);
    }

    @Test
    void nonValuesAreEvaluationErrorsOfTheirKindNotExceptions() {
        CesqlResult missing = parser.parse("data.nothing = 1").evaluate(EVENT);
        assertThat(missing.passes()).isFalse();
        assertThat(missing.errors()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(CesqlErrorKind.MISSING_ATTRIBUTE);
            assertThat(e.message()).contains("data.nothing").contains("no value at this path");
        });
        assertThat(parser.parse("data.items = 1").evaluate(EVENT).errors())
                .singleElement().satisfies(e -> assertThat(e.kind()).isEqualTo(CesqlErrorKind.CAST));
        assertThat(parser.parse("data.big > 1").evaluate(EVENT).errors())
                .singleElement().satisfies(e -> assertThat(e.kind()).isEqualTo(CesqlErrorKind.CAST));
        assertThat(parser.parse("data.items = 1").test(EVENT)).isFalse();
    }

    @Test
    void aThrowingOrNullAnsweringAccessorIsAnErrorValue() {
        CesqlParser throwing = Cesql.builder().dataFields((event, path) -> {
            throw new IllegalStateException("broken");
        }).build();
        CesqlParser answeringNull = Cesql.builder().dataFields((event, path) -> null).build();
        assertThat(throwing.parse("data.a = 1").test(EVENT)).isFalse();
        assertThat(throwing.parse("data.a = 1").evaluate(EVENT).errors())
                .singleElement().satisfies(e -> assertThat(e.kind()).isEqualTo(CesqlErrorKind.GENERIC));
        assertThat(answeringNull.parse("data.a = 1").evaluate(EVENT).errors()).hasSize(1);
    }

    @Test
    void attributeOnlyExpressionsNeverAskTheAccessor() {
        assertThat(parser.parse("type = 'base.type' OR source = 'x'").test(EVENT)).isTrue();
        assertThat(parser.parse("EXISTS data").test(EVENT)).isFalse();
        assertThat(asked).isEmpty();
    }

    @Test
    void theAccessorIsAskedOnlyWhenEvaluationReachesThePath() {
        AtomicInteger calls = new AtomicInteger();
        CesqlParser counting = Cesql.builder().dataFields((event, path) -> {
            calls.incrementAndGet();
            return 1;
        }).build();
        assertThat(counting.parse("type = 'other' AND data.a = 1").test(EVENT)).isFalse();
        assertThat(calls).hasValue(0);
    }

    @Test
    void dataPathsDoNotChangeTheIndexKeys() {
        assertThat(parser.parse("type = 'order.created' AND data.kind = 'x'").equalityConjuncts())
                .isEqualTo(Map.of("type", "order.created"));
    }

    @Test
    void malformedPathsAreParseErrorsThatSayWhatToWrite() {
        for (String bad : List.of("data. total = 1", "data.", "data[", "data[x]", "data[1", "data['a'",
                "data[99999999999]", "data = 1", "data")) {
            assertThatThrownBy(() -> parser.parse(bad)).as(bad).isInstanceOfSatisfying(CesqlException.class,
                    e -> assertThat(e.kind()).isEqualTo(CesqlErrorKind.PARSE));
        }
        assertThatThrownBy(() -> parser.parse("data = 1")).hasMessageContaining("needs a path");
        assertThatThrownBy(() -> parser.parse("data." + "a.".repeat(40) + "b = 1"))
                .hasMessageContaining("more than " + DataFields.MAX_SEGMENTS + " segments");
    }

    @Test
    void withoutTheExtensionAPathIsAParseErrorNamingTheSwitch() {
        assertThatThrownBy(() -> Cesql.parse("data.total > 100")).isInstanceOf(CesqlException.class)
                .hasMessageContaining("Cesql.builder().dataFields");
        // plain CESQL v1: data is just an attribute name, and events never have it
        assertThat(Cesql.parse("data = 1").evaluate(EVENT).errors())
                .singleElement().satisfies(e -> assertThat(e.kind()).isEqualTo(CesqlErrorKind.MISSING_ATTRIBUTE));
        assertThat(Cesql.builder().build().readsDataFields()).isFalse();
        assertThat(parser.readsDataFields()).isTrue();
    }

    @Test
    void dataFieldsIsSetOnce() {
        Cesql.Builder b = Cesql.builder().dataFields((e, p) -> 1);
        assertThatThrownBy(() -> b.dataFields((e, p) -> 2)).isInstanceOf(IllegalStateException.class);
    }
}
