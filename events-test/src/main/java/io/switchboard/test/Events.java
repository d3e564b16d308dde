package io.switchboard.test;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;

/**
 * Concise builders for valid CloudEvents in tests.
 *
 * <pre>{@code
 * CloudEvent created = Events.event("order.created").subject("o-1").data("{\"total\":42}").build();
 * }</pre>
 *
 * <p>Every fixture starts valid: a fresh random {@code id}, {@code source} {@value #DEFAULT_SOURCE}, spec version
 * 1.0 and the given {@code type}; everything else is optional. Fixtures are mutable and not thread-safe; the events
 * they build are immutable.
 */
public final class Events {

    /** The {@code source} of fixture events unless {@link Fixture#source(String)} says otherwise. */
    public static final String DEFAULT_SOURCE = "/switchboard/test";

    private Events() {
    }

    /** A fixture for an event of {@code type} with a random id and the default source. */
    public static Fixture event(String type) {
        return new Fixture(type);
    }

    /** Builds one event of {@code type} with a random id and the default source, without data. */
    public static CloudEvent of(String type) {
        return event(type).build();
    }

    /** A CloudEvent under construction. Each setter replaces the previous value. */
    public static final class Fixture {
        private final CloudEventBuilder builder = CloudEventBuilder.v1();

        private Fixture(String type) {
            Objects.requireNonNull(type, "type");
            if (type.isBlank()) {
                throw new IllegalArgumentException("event type must not be blank: pass e.g. \"order.created\"");
            }
            builder.withId(UUID.randomUUID().toString()).withSource(URI.create(DEFAULT_SOURCE)).withType(type);
        }

        /** The {@code id} attribute; a fresh random UUID unless set. */
        public Fixture id(String id) {
            builder.withId(Objects.requireNonNull(id, "id"));
            return this;
        }

        /** The {@code source} attribute, a URI reference such as {@code /orders} or {@code https://shop.example/}. */
        public Fixture source(String source) {
            builder.withSource(URI.create(Objects.requireNonNull(source, "source")));
            return this;
        }

        /** The {@code subject} attribute (also the default ordering and correlation key of subscribers). */
        public Fixture subject(String subject) {
            builder.withSubject(Objects.requireNonNull(subject, "subject"));
            return this;
        }

        /** The {@code time} attribute, in UTC. */
        public Fixture time(Instant time) {
            builder.withTime(Objects.requireNonNull(time, "time").atOffset(ZoneOffset.UTC));
            return this;
        }

        /** The {@code time} attribute, with its offset. */
        public Fixture time(OffsetDateTime time) {
            builder.withTime(Objects.requireNonNull(time, "time"));
            return this;
        }

        /** The {@code dataschema} attribute, a URI. */
        public Fixture dataschema(String uri) {
            builder.withDataSchema(URI.create(Objects.requireNonNull(uri, "uri")));
            return this;
        }

        /** JSON data: sets {@code datacontenttype} to {@code application/json}. */
        public Fixture data(String json) {
            return data("application/json", Objects.requireNonNull(json, "json").getBytes(StandardCharsets.UTF_8));
        }

        /** Plain text data: sets {@code datacontenttype} to {@code text/plain; charset=utf-8}. */
        public Fixture text(String text) {
            return data("text/plain; charset=utf-8", Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
        }

        /** Binary data: sets {@code datacontenttype} to {@code application/octet-stream}. */
        public Fixture bytes(byte[] data) {
            return data("application/octet-stream", data);
        }

        /** Data of any content type; the bytes are copied. */
        public Fixture data(String contentType, byte[] data) {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(data, "data");
            builder.withDataContentType(contentType).withData(data.clone());
            return this;
        }

        /** Removes data and {@code datacontenttype}. */
        public Fixture noData() {
            builder.withoutData().withoutDataContentType();
            return this;
        }

        /**
         * A String extension. Extension names are lowercase letters and digits (CloudEvents rule); the SDK rejects
         * others. The typed overloads below set Integer, Boolean, URI, Timestamp and Binary extensions.
         */
        public Fixture extension(String name, String value) {
            builder.withExtension(name, Objects.requireNonNull(value, "value"));
            return this;
        }

        public Fixture extension(String name, int value) {
            builder.withExtension(name, value);
            return this;
        }

        public Fixture extension(String name, boolean value) {
            builder.withExtension(name, value);
            return this;
        }

        public Fixture extension(String name, URI value) {
            builder.withExtension(name, Objects.requireNonNull(value, "value"));
            return this;
        }

        public Fixture extension(String name, OffsetDateTime value) {
            builder.withExtension(name, Objects.requireNonNull(value, "value"));
            return this;
        }

        public Fixture extension(String name, byte[] value) {
            builder.withExtension(name, Objects.requireNonNull(value, "value").clone());
            return this;
        }

        /**
         * Builds the event.
         *
         * @throws IllegalStateException if the CloudEvents SDK finds the event invalid (with its reason)
         */
        public CloudEvent build() {
            return builder.build();
        }
    }
}
