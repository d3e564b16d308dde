package io.switchboard.test;

import io.cloudevents.CloudEvent;
import org.assertj.core.api.AbstractObjectAssert;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** AssertJ assertions over one {@link CloudEvent}. Not thread-safe (like every AssertJ assertion). */
public final class CloudEventAssert extends AbstractObjectAssert<CloudEventAssert, CloudEvent> {

    CloudEventAssert(CloudEvent actual) {
        super(actual, CloudEventAssert.class);
    }

    /** The {@code id} equals {@code id}. */
    public CloudEventAssert hasId(String id) {
        return hasAttribute("id", id, actual.getId());
    }

    /** The {@code type} equals {@code type}. */
    public CloudEventAssert hasType(String type) {
        return hasAttribute("type", type, actual.getType());
    }

    /** The {@code source}, as text, equals {@code source}. */
    public CloudEventAssert hasSource(String source) {
        isNotNull();
        return hasAttribute("source", source, String.valueOf(actual.getSource()));
    }

    /** The {@code subject} equals {@code subject} ({@code null} for none). */
    public CloudEventAssert hasSubject(String subject) {
        return hasAttribute("subject", subject, actual.getSubject());
    }

    /**
     * The extension is present with this value. Values are compared by their canonical CloudEvents string form, so
     * {@code 3} matches an Integer 3 as well as the text "3" a transport may have turned it into.
     */
    public CloudEventAssert hasExtension(String name, Object value) {
        isNotNull();
        Object found = actual.getExtension(name);
        if (found == null) {
            failWithMessage("expected event %s to have extension '%s' = %s but it has no such extension; extensions: %s",
                    actual.getId(), name, value, EventText.extensions(actual));
        } else if (!EventText.sameValue(value, found)) {
            failWithMessage("expected event %s to have extension '%s' = %s but it is %s",
                    actual.getId(), name, EventText.value(value), EventText.value(found));
        }
        return this;
    }

    /** The extension is present (any value). */
    public CloudEventAssert hasExtension(String name) {
        isNotNull();
        if (actual.getExtension(name) == null) {
            failWithMessage("expected event %s to have extension '%s'; extensions: %s", actual.getId(), name,
                    EventText.extensions(actual));
        }
        return this;
    }

    /** The extension is absent. */
    public CloudEventAssert doesNotHaveExtension(String name) {
        isNotNull();
        if (actual.getExtension(name) != null) {
            failWithMessage("expected event %s not to have extension '%s' but it is %s", actual.getId(), name,
                    EventText.value(actual.getExtension(name)));
        }
        return this;
    }

    /** The data, decoded as UTF-8, equals {@code text} (JSON is compared as text: mind the spacing). */
    public CloudEventAssert hasData(String text) {
        isNotNull();
        if (actual.getData() == null) {
            failWithMessage("expected event %s to have data %s but it has none", actual.getId(), text);
        }
        String found = new String(actual.getData().toBytes(), StandardCharsets.UTF_8);
        if (!found.equals(text)) {
            failWithMessage("expected event %s to have data%n  %s%nbut it has%n  %s", actual.getId(), text, found);
        }
        return this;
    }

    /** The data bytes equal {@code bytes}. */
    public CloudEventAssert hasData(byte[] bytes) {
        isNotNull();
        if (actual.getData() == null || !Arrays.equals(actual.getData().toBytes(), bytes)) {
            failWithMessage("expected event %s to have data %s but it has %s", actual.getId(), Arrays.toString(bytes),
                    actual.getData() == null ? "none" : Arrays.toString(actual.getData().toBytes()));
        }
        return this;
    }

    /** The event carries no data. */
    public CloudEventAssert hasNoData() {
        isNotNull();
        if (actual.getData() != null) {
            failWithMessage("expected event %s to have no data but it has %d bytes", actual.getId(),
                    actual.getData().toBytes().length);
        }
        return this;
    }

    private CloudEventAssert hasAttribute(String attribute, String expected, String found) {
        isNotNull();
        if (!java.util.Objects.equals(expected, found)) {
            failWithMessage("expected event %s to have %s %s but it is %s", EventText.describe(actual), attribute,
                    expected, found);
        }
        return this;
    }
}
