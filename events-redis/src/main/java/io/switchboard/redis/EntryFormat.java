package io.switchboard.redis;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.types.Time;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bus's wire format: one stream entry per event. There is no CloudEvents protocol binding for Redis, so this
 * one follows the HTTP binding's names (see {@code docs/redis.md}):
 *
 * <ul>
 *   <li><b>binary</b>: every context attribute as a field {@code ce-<name>} holding its canonical string form
 *       ({@code ce-specversion}, {@code ce-id}, {@code ce-source}, {@code ce-type}, {@code ce-time}, extensions…),
 *       {@code datacontenttype} as {@code content-type}, the data bytes unchanged in {@code data} (absent when the
 *       event has no data);</li>
 *   <li><b>structured</b>: {@code content-type: application/cloudevents+json} and the JSON event format in
 *       {@code data}.</li>
 * </ul>
 * An explicit partition key travels in {@code switchboard-key}; it is not part of the event. Readers tell the modes
 * apart by {@code ce-specversion}; an entry with neither is not a CloudEvent.
 */
final class EntryFormat {

    static final String DATA = "data";
    static final String CONTENT_TYPE = "content-type";
    static final String KEY = "switchboard-key";
    static final String PREFIX = "ce-";
    static final String SPECVERSION = "ce-specversion";
    static final String STRUCTURED_TYPE = "application/cloudevents+json";
    private static final byte[] STRUCTURED_TYPE_BYTES = STRUCTURED_TYPE.getBytes(StandardCharsets.UTF_8);
    private static final JsonFormat JSON = new JsonFormat();

    private EntryFormat() {
    }

    /** The fields of {@code event}'s entry, in a stable order. */
    static Map<String, byte[]> encode(CloudEvent event, String key, RedisBusConfig.Encoding encoding) {
        Map<String, byte[]> fields = new LinkedHashMap<>(16);
        if (encoding == RedisBusConfig.Encoding.STRUCTURED) {
            fields.put(CONTENT_TYPE, STRUCTURED_TYPE_BYTES);
            fields.put(DATA, JSON.serialize(event));
        } else {
            fields.put(SPECVERSION, utf8(event.getSpecVersion().toString()));
            fields.put("ce-id", utf8(event.getId()));
            fields.put("ce-source", utf8(event.getSource().toString()));
            fields.put("ce-type", utf8(event.getType()));
            if (event.getSubject() != null) {
                fields.put("ce-subject", utf8(event.getSubject()));
            }
            if (event.getTime() != null) {
                fields.put("ce-time", utf8(Time.writeTime(event.getTime())));
            }
            if (event.getDataSchema() != null) {
                fields.put("ce-dataschema", utf8(event.getDataSchema().toString()));
            }
            if (event.getDataContentType() != null) {
                fields.put(CONTENT_TYPE, utf8(event.getDataContentType()));
            }
            for (String name : event.getExtensionNames()) {
                fields.put(PREFIX + name, utf8(text(event.getExtension(name))));
            }
            CloudEventData data = event.getData();
            if (data != null) {
                fields.put(DATA, data.toBytes());
            }
        }
        if (key != null) {
            fields.put(KEY, utf8(key));
        }
        return fields;
    }

    /**
     * The event an entry carries.
     *
     * @throws IllegalArgumentException saying why the entry is not a CloudEvent in this format
     */
    static CloudEvent decode(Map<String, byte[]> fields) {
        byte[] specversion = fields.get(SPECVERSION);
        if (specversion != null) {
            return decodeBinary(fields, string(specversion));
        }
        byte[] contentType = fields.get(CONTENT_TYPE);
        if (contentType != null && string(contentType).startsWith("application/cloudevents")) {
            byte[] data = fields.get(DATA);
            if (data == null) {
                throw new IllegalArgumentException("structured entry (content-type " + string(contentType)
                        + ") has no 'data' field");
            }
            try {
                return JSON.deserialize(data);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("structured entry's 'data' is not a CloudEvent in the JSON format: "
                        + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("no 'ce-specversion' field (binary mode) and no 'content-type:"
                + " application/cloudevents+json' (structured mode); fields: " + fields.keySet());
    }

    private static CloudEvent decodeBinary(Map<String, byte[]> fields, String specversion) {
        CloudEventBuilder builder;
        try {
            builder = CloudEventBuilder.fromSpecVersion(SpecVersion.parse(specversion));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown ce-specversion '" + specversion + "'", e);
        }
        try {
            for (Map.Entry<String, byte[]> field : fields.entrySet()) {
                String name = field.getKey();
                if (!name.startsWith(PREFIX) || name.equals(SPECVERSION)) {
                    continue;
                }
                String attribute = name.substring(PREFIX.length());
                String value = string(field.getValue());
                switch (attribute) {
                    case "id" -> builder.withId(value);
                    case "source" -> builder.withSource(URI.create(value));
                    case "type" -> builder.withType(value);
                    case "subject" -> builder.withSubject(value);
                    case "time" -> builder.withTime(Time.parseTime(value));
                    case "dataschema" -> builder.withDataSchema(URI.create(value));
                    case "datacontenttype" -> builder.withDataContentType(value);
                    default -> builder.withExtension(attribute, value);
                }
            }
            byte[] contentType = fields.get(CONTENT_TYPE);
            if (contentType != null) {
                builder.withDataContentType(string(contentType));
            }
            byte[] data = fields.get(DATA);
            if (data != null) {
                builder.withData(data);
            }
            return builder.build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("binary entry is not a valid CloudEvent: " + e.getMessage(), e);
        }
    }

    /** The explicit partition key of an entry, if it has one. */
    static String key(Map<String, byte[]> fields) {
        byte[] key = fields.get(KEY);
        return key == null ? null : string(key);
    }

    /** The fields as text (data as Base64 unless it is UTF-8), for poison messages and logs. */
    static Map<String, String> headers(Map<String, byte[]> fields) {
        Map<String, String> headers = new LinkedHashMap<>();
        fields.forEach((name, value) -> {
            if (!name.equals(DATA)) {
                headers.put(name, string(value));
            }
        });
        return headers;
    }

    private static String text(Object value) {
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof OffsetDateTime time) {
            return Time.writeTime(time);
        }
        return String.valueOf(value);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
