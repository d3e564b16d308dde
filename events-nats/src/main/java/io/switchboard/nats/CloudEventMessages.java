package io.switchboard.nats;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.core.CloudEventUtils;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.rw.CloudEventContextWriter;
import io.nats.client.Message;
import io.nats.client.impl.Headers;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CloudEvents NATS protocol binding (version 1.0.3 of the spec): binary mode puts every attribute, extensions and
 * {@code datacontenttype} included, in a {@code ce-<name>} header with its canonical string percent-encoded
 * ({@link HeaderValues}) and the data in the payload; structured mode puts the JSON event format in the payload and
 * {@code Content-Type: application/cloudevents+json} in a header. A reader tells them apart as the spec says: a
 * {@code Content-Type} starting with {@code application/cloudevents} (any case) is structured, anything else binary.
 */
final class CloudEventMessages {

    static final String PREFIX = "ce-";
    static final String CONTENT_TYPE = "Content-Type";
    static final String STRUCTURED_TYPE = "application/cloudevents+json";
    private static final String STRUCTURED_PREFIX = "application/cloudevents";
    private static final EventFormat JSON = new JsonFormat();

    private CloudEventMessages() {
    }

    /** Writes {@code event} into {@code headers} and returns the payload. */
    static byte[] encode(CloudEvent event, Encoding encoding, Headers headers) {
        if (encoding == Encoding.STRUCTURED) {
            headers.put(CONTENT_TYPE, STRUCTURED_TYPE);
            return JSON.serialize(event);
        }
        headers.put(PREFIX + "specversion", event.getSpecVersion().toString());
        CloudEventUtils.toContextReader(event).readContext(new HeaderWriter(headers));
        CloudEventData data = event.getData();
        return data == null ? new byte[0] : data.toBytes();
    }

    /** Whether the message claims to be a CloudEvent in either mode. */
    static boolean isCloudEvent(Message message) {
        Headers headers = message.getHeaders();
        return headers != null && (structuredType(headers) != null || first(headers, PREFIX + "specversion") != null);
    }

    /**
     * Reads a CloudEvent from a message in either mode.
     *
     * @throws IllegalArgumentException saying why the message is not a CloudEvent in the NATS binding
     */
    static CloudEvent decode(Message message) {
        Headers headers = message.getHeaders();
        byte[] payload = message.getData() == null ? new byte[0] : message.getData();
        String structured = headers == null ? null : structuredType(headers);
        if (structured != null) {
            EventFormat format = EventFormatProvider.getInstance().resolveFormat(structured);
            if (format == null) {
                format = structured.toLowerCase(Locale.ROOT).startsWith(STRUCTURED_TYPE) || !structured.contains("+")
                        ? JSON : null;
            }
            if (format == null) {
                throw new IllegalArgumentException("structured-mode event format '" + structured + "' is not supported;"
                        + " only " + STRUCTURED_TYPE + " is");
            }
            try {
                return format.deserialize(payload);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("structured-mode payload is not a valid CloudEvent in "
                        + structured + ": " + e.getMessage(), e);
            }
        }
        if (headers == null) {
            throw new IllegalArgumentException("no headers: neither a binary-mode (ce-specversion) nor a structured-mode"
                    + " (Content-Type: application/cloudevents+json) CloudEvent");
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        String contentType = null;
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(PREFIX) && name.length() > PREFIX.length() && !header.getValue().isEmpty()) {
                attributes.put(name.substring(PREFIX.length()), HeaderValues.decode(header.getValue().get(0)));
            } else if (name.equals("content-type") && !header.getValue().isEmpty()) {
                contentType = header.getValue().get(0);
            }
        }
        String version = attributes.remove("specversion");
        if (version == null) {
            throw new IllegalArgumentException("no ce-specversion header and no structured Content-Type: not a"
                    + " CloudEvent in the NATS binding");
        }
        CloudEventBuilder builder;
        try {
            builder = CloudEventBuilder.fromSpecVersion(SpecVersion.parse(version));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unsupported ce-specversion '" + version + "'", e);
        }
        if (!attributes.containsKey("datacontenttype") && contentType != null) {
            // binary-mode writers following older drafts (and some SDKs) put the data's type in Content-Type
            attributes.put("datacontenttype", contentType.strip());
        }
        try {
            attributes.forEach(builder::withContextAttribute);
            if (payload.length > 0) {
                builder.withData(payload);
            }
            return builder.build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid binary-mode CloudEvent: " + e.getMessage(), e);
        }
    }

    /** The headers of a message as text (first value of each), for poison reports and extensions. */
    static Map<String, String> headersAsText(Message message) {
        Map<String, String> out = new LinkedHashMap<>();
        Headers headers = message.getHeaders();
        if (headers != null) {
            headers.entrySet().forEach(e -> out.put(e.getKey(), String.join(",", e.getValue())));
        }
        return out;
    }

    private static String structuredType(Headers headers) {
        String type = first(headers, CONTENT_TYPE);
        return type != null && type.strip().toLowerCase(Locale.ROOT).startsWith(STRUCTURED_PREFIX) ? type.strip() : null;
    }

    /** The first value of a header, its name matched case-insensitively as NATS headers are. */
    static String first(Headers headers, String name) {
        List<String> values = headers.get(name);
        if (values == null) {
            for (String key : headers.keySet()) {
                if (key.equalsIgnoreCase(name)) {
                    values = headers.get(key);
                    break;
                }
            }
        }
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Writes each context attribute's canonical string as a {@code ce-} header. */
    private static final class HeaderWriter implements CloudEventContextWriter {
        private final Headers headers;

        HeaderWriter(Headers headers) {
            this.headers = headers;
        }

        @Override
        public CloudEventContextWriter withContextAttribute(String name, String value) {
            if (!name.equals("specversion")) {
                headers.put(PREFIX + name, HeaderValues.encode(value));
            }
            return this;
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
