package io.switchboard.test;

import io.cloudevents.CloudEvent;
import org.assertj.core.api.AbstractListAssert;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * AssertJ assertions over a list of {@link CloudEvent}s (what a probe received, dead-lettered or replied), with
 * every list assertion of AssertJ plus CloudEvent-aware ones. The {@code of…}/{@code with…} methods require
 * <em>every</em> event to match. Not thread-safe.
 */
public final class CloudEventsAssert
        extends AbstractListAssert<CloudEventsAssert, List<CloudEvent>, CloudEvent, CloudEventAssert> {

    CloudEventsAssert(List<CloudEvent> actual) {
        super(actual == null ? null : List.copyOf(actual), CloudEventsAssert.class);
    }

    /** Every event has this {@code type}. */
    public CloudEventsAssert ofType(String type) {
        return every("type", type, CloudEvent::getType);
    }

    /** Every event has this {@code source}. */
    public CloudEventsAssert fromSource(String source) {
        return every("source", source, e -> String.valueOf(e.getSource()));
    }

    /** Every event has this {@code subject}. */
    public CloudEventsAssert withSubject(String subject) {
        return every("subject", subject, CloudEvent::getSubject);
    }

    /** The events' subjects are exactly these, in this order. */
    public CloudEventsAssert withSubjects(String... subjects) {
        return exactly("subjects", List.of(subjects), CloudEvent::getSubject);
    }

    /** The events' types are exactly these, in this order. */
    public CloudEventsAssert withTypes(String... types) {
        return exactly("types", List.of(types), CloudEvent::getType);
    }

    /** The events' ids are exactly these, in this order. */
    public CloudEventsAssert withIds(String... ids) {
        return exactly("ids", List.of(ids), CloudEvent::getId);
    }

    /**
     * Every event has the extension with this value, compared by canonical CloudEvents string form ({@code 3} matches
     * Integer 3 and the text "3").
     */
    public CloudEventsAssert withExtension(String name, Object value) {
        isNotNull();
        for (CloudEvent e : actual) {
            if (!EventText.sameValue(value, e.getExtension(name))) {
                failWithMessage("expected every event to have extension '%s' = %s but %s has %s; its extensions: %s",
                        name, EventText.value(value), EventText.describe(e), EventText.value(e.getExtension(name)),
                        EventText.extensions(e));
            }
        }
        return this;
    }

    /** Every event has the extension (any value). */
    public CloudEventsAssert withExtension(String name) {
        isNotNull();
        for (CloudEvent e : actual) {
            if (e.getExtension(name) == null) {
                failWithMessage("expected every event to have extension '%s' but %s has none; its extensions: %s",
                        name, EventText.describe(e), EventText.extensions(e));
            }
        }
        return this;
    }

    /** Every event's data, as UTF-8 text, equals {@code data}. */
    public CloudEventsAssert withData(String data) {
        isNotNull();
        for (CloudEvent e : actual) {
            new CloudEventAssert(e).hasData(data);
        }
        return this;
    }

    /** Assertions on the event at {@code index} (0-based). */
    public CloudEventAssert event(int index) {
        isNotNull();
        if (index < 0 || index >= actual.size()) {
            failWithMessage("expected an event at index %d but there are %d:%s", index, actual.size(),
                    EventText.describe(actual));
        }
        return new CloudEventAssert(actual.get(index));
    }

    private CloudEventsAssert every(String attribute, String expected, Function<CloudEvent, String> read) {
        isNotNull();
        for (CloudEvent e : actual) {
            if (!Objects.equals(expected, read.apply(e))) {
                failWithMessage("expected every event to have %s %s but %s has %s; all events:%s", attribute, expected,
                        EventText.describe(e), read.apply(e), EventText.describe(actual));
            }
        }
        return this;
    }

    private CloudEventsAssert exactly(String what, List<String> expected, Function<CloudEvent, String> read) {
        isNotNull();
        List<String> found = new ArrayList<>();
        for (CloudEvent e : actual) {
            found.add(read.apply(e));
        }
        if (!found.equals(expected)) {
            failWithMessage("expected %s %s (in this order) but found %s", what, expected, found);
        }
        return this;
    }

    @Override
    protected CloudEventAssert toAssert(CloudEvent value, String description) {
        return new CloudEventAssert(value).as(description);
    }

    @Override
    protected CloudEventsAssert newAbstractIterableAssert(Iterable<? extends CloudEvent> iterable) {
        List<CloudEvent> copy = new ArrayList<>();
        iterable.forEach(copy::add);
        return new CloudEventsAssert(copy);
    }
}
