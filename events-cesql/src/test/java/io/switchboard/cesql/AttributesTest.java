package io.switchboard.cesql;

import static io.switchboard.cesql.CesqlErrorKind.CAST;
import static io.switchboard.cesql.CesqlErrorKind.MISSING_ATTRIBUTE;
import static io.switchboard.cesql.Eval.assertErrors;
import static io.switchboard.cesql.Eval.assertValue;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** Spec 3.2: every context attribute and extension is addressable, with its CESQL type. */
class AttributesTest {

    @Test
    void contextAttributesReadAsStrings() {
        CloudEvent e = TckEvents.with("id", "i-1", "source", "https://example.com/src", "type", "com.example.t",
                "subject", "sub", "datacontenttype", "text/plain", "dataschema", "https://example.com/s.json");
        assertValue("id", e, "i-1");
        assertValue("source", e, "https://example.com/src");
        assertValue("type", e, "com.example.t");
        assertValue("subject", e, "sub");
        assertValue("datacontenttype", e, "text/plain");
        assertValue("dataschema", e, "https://example.com/s.json");
        assertValue("specversion", e, "1.0");
        assertValue("source = 'https://example.com/src'", e, true);
    }

    @Test
    void identifiersFoldToLowerCase() {
        CloudEvent e = TckEvents.with("type", "t", "myext", "v");
        assertValue("TYPE", e, "t");
        assertValue("Type = 't'", e, true);
        assertValue("MYEXT", e, "v");
        assertValue("EXISTS MyExt", e, true);
    }

    @Test
    void timeIsRfc3339TextWithSeconds() {
        assertValue("time", TckEvents.with("time", "2018-04-26T14:48:00Z"), "2018-04-26T14:48:00Z");
        assertValue("time", TckEvents.with("time", "2018-04-26T14:48:09+02:00"), "2018-04-26T14:48:09+02:00");
        assertValue("time", TckEvents.with("time", "2018-04-26T14:48:09.5-05:30"), "2018-04-26T14:48:09.5-05:30");
        assertValue("time = '2018-04-26T14:48:00Z'", TckEvents.with("time", "2018-04-26T14:48:00Z"), true);
        assertValue("time LIKE '2018-%'", TckEvents.with("time", "2018-04-26T14:48:00Z"), true);
        CloudEvent withTimeExtension = TckEvents.base()
                .withExtension("when", OffsetDateTime.parse("2020-01-01T00:00:00Z")).build();
        assertValue("when", withTimeExtension, "2020-01-01T00:00:00Z");
    }

    @Test
    void extensionsKeepTheirCesqlType() {
        CloudEvent e = TckEvents.with("myint", 10, "mybool", true, "mystr", "10");
        assertValue("myint", e, 10);
        assertValue("mybool", e, true);
        assertValue("mystr", e, "10");
        assertValue("myint + 1", e, 11);
        assertValue("mystr + 1", e, 11);
        assertValue("myint = '10'", e, true); // right String: 10 -> '10'
        assertValue("'010' = myint", e, true); // right Integer: '010' -> 10
        assertValue("'010' = mystr", e, false);
        assertValue("mybool = 'true'", e, true);
        assertValue("mybool AND myint = 10", e, true);
        assertValue("myint IN ('10', '11')", e, true);
        assertValue("mystr IN (10, 11)", e, true);
        assertValue("mybool IN ('TRUE')", e, true);
        assertValue("myint IN (9, 10)", e, true);
        assertValue("myint LIKE '1%'", e, true);
        assertValue("mystr = myint", e, true);
        assertValue("myint = mystr", e, true);
        assertValue("mybool = myint", e, false); // right Integer: true -> 1, and 1 is not 10
        assertValue("myint = mybool", e, true); // right Boolean: 10 -> true
        assertErrors("'x' = myint", e, false, CAST);
        assertErrors("myint IN ('x')", e, false, CAST);
        assertErrors("myint IN ('10', 'x')", e, false, CAST);
    }

    @Test
    void otherExtensionTypesAreStrings() {
        CloudEvent e = TckEvents.base()
                .withExtension("uri", URI.create("https://example.com/x"))
                .withExtension("bin", new byte[] {1, 2, 3})
                .withExtension("big", 5_000_000_000L)
                .withExtension("small", 7L)
                .build();
        assertValue("uri", e, "https://example.com/x");
        assertValue("bin", e, "AQID");
        assertValue("big", e, "5000000000");
        assertValue("small", e, 7);
    }

    @Test
    void aMissingAttributeIsAnErrorAndTheZeroValueOfTheSubExpression() {
        CloudEvent noSubject = TckEvents.base().withSubject(null).build();
        assertErrors("subject", noSubject, false, MISSING_ATTRIBUTE); // type unknown: Boolean
        assertErrors("missing", false, MISSING_ATTRIBUTE);
        assertErrors("subject = 'x'", noSubject, false, MISSING_ATTRIBUTE);
        assertErrors("subject != 'x'", noSubject, false, MISSING_ATTRIBUTE);
        assertErrors("LENGTH(subject)", noSubject, 0, MISSING_ATTRIBUTE);
        assertErrors("CONCAT(subject, 'x')", noSubject, "", MISSING_ATTRIBUTE);
        assertErrors("true AND (missing = '')", false, MISSING_ATTRIBUTE);
        assertErrors("missing + missing2", 0, MISSING_ATTRIBUTE, MISSING_ATTRIBUTE);
        assertErrors("data", TckEvents.base().withData("text/plain", new byte[] {1}).build(), false, MISSING_ATTRIBUTE);
    }

    @Test
    void worksOnCloudEvents03() {
        CloudEvent v03 = CloudEventBuilder.v03().withId("1").withSource(URI.create("/s")).withType("t")
                .withDataSchema(URI.create("https://example.com/schema")).build();
        assertValue("specversion", v03, "0.3");
        assertValue("type = 't'", v03, true);
        assertValue("schemaurl", v03, "https://example.com/schema");
    }
}
