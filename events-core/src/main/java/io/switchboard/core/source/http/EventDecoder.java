package io.switchboard.core.source.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.switchboard.core.internal.http.HeaderValues;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Turns HTTP requests into CloudEvents with the CloudEvents SDK: binary mode through {@link HttpMessageFactory},
 * structured mode through {@link JsonFormat}, batched mode through the SDK's Jackson module, and plain webhook
 * requests ({@code X-Event-*} headers, body = data) through {@link CloudEventBuilder}. Malformed input becomes a 400
 * {@link HttpProblem}, an unsupported content type a 415. Thread-safe.
 */
final class EventDecoder {

    static final String STRUCTURED_JSON = JsonFormat.CONTENT_TYPE;             // application/cloudevents+json
    static final String BATCH_JSON = "application/cloudevents-batch+json";
    /** Extension carrying the {@code X-Event-Webhook-Url} header of a plain webhook request. */
    static final String WEBHOOK_URL_EXTENSION = "webhookurl";
    /** Type of an invocation whose body is not a CloudEvent and which names no {@code X-Event-Type}. */
    static final String INVOCATION_TYPE = "io.switchboard.http.invocation";

    private static final JsonFormat FORMAT = new JsonFormat();
    private static final ObjectMapper BATCH = new ObjectMapper().registerModule(JsonFormat.getCloudEventJacksonModule());
    private static final java.util.regex.Pattern EXTENSION_NAME = java.util.regex.Pattern.compile("[a-z0-9]+");

    private final URI defaultSource;
    private final int maxBatchEvents;

    EventDecoder(URI defaultSource, int maxBatchEvents) {
        this.defaultSource = defaultSource;
        this.maxBatchEvents = maxBatchEvents;
    }

    /** {@code POST /}: one event (binary or structured) or a batch. */
    List<CloudEvent> cloudEvents(Headers headers, byte[] body) throws HttpProblem {
        String mediaType = mediaType(headers);
        if (BATCH_JSON.equals(mediaType)) {
            return batch(body);
        }
        CloudEvent single = single(headers, body, mediaType);
        if (single == null) {
            throw HttpProblem.of(415, "unsupported-media-type", "Unsupported media type", "Content-Type '"
                    + (mediaType == null ? "(none)" : mediaType) + "' without a ce-specversion header is not a CloudEvent:"
                    + " send binary mode (ce-* headers), structured mode (" + STRUCTURED_JSON + ") or a batch ("
                    + BATCH_JSON + "), or post plain data to /apis/events");
        }
        return List.of(single);
    }

    /**
     * {@code POST /function/...}: a CloudEvent if the request is one (binary or structured), otherwise the body as
     * data of an event typed by {@code X-Event-Type} (default {@value #INVOCATION_TYPE}).
     */
    CloudEvent invocation(Headers headers, byte[] body, Instant now) throws HttpProblem {
        String mediaType = mediaType(headers);
        if (BATCH_JSON.equals(mediaType)) {
            throw HttpProblem.of(415, "unsupported-media-type", "Unsupported media type",
                    "an invocation takes one event; batches (" + BATCH_JSON + ") are accepted at POST /");
        }
        CloudEvent single = single(headers, body, mediaType);
        return single != null ? single : webhook(headers, body, now, false);
    }

    /** {@code POST /apis/events}: data in the body, attributes in {@code X-Event-*} headers. */
    CloudEvent webhook(Headers headers, byte[] body, Instant now, boolean typeRequired) throws HttpProblem {
        String type = headers.getFirst("X-Event-Type");
        if (type == null || type.isBlank()) {
            if (typeRequired) {
                throw HttpProblem.badRequest("missing-event-type",
                        "the X-Event-Type header is required: name the event type, e.g. X-Event-Type: com.example.order.created");
            }
            type = INVOCATION_TYPE;
        }
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(nonBlankOr(headers.getFirst("X-Event-Id"), UUID.randomUUID().toString()))
                .withType(type.trim())
                .withSource(uri("X-Event-Source", headers.getFirst("X-Event-Source"), false, defaultSource))
                .withTime(now.atOffset(ZoneOffset.UTC));
        String subject = headers.getFirst("X-Event-Subject");
        if (subject != null && !subject.isBlank()) {
            b.withSubject(subject.trim());
        }
        String webhookUrl = headers.getFirst("X-Event-Webhook-Url");
        if (webhookUrl != null) {
            b.withExtension(WEBHOOK_URL_EXTENSION, uri("X-Event-Webhook-Url", webhookUrl, true, null).toString());
        }
        if (body.length > 0) {
            String contentType = headers.getFirst("Content-Type");
            b.withData(contentType == null || contentType.isBlank() ? "application/octet-stream" : contentType.trim(), body);
        }
        return b.build();
    }

    /** A binary- or structured-mode event, or {@code null} if the request is neither. */
    private CloudEvent single(Headers headers, byte[] body, String mediaType) throws HttpProblem {
        if (STRUCTURED_JSON.equals(mediaType)) {
            CloudEvent event;
            try {
                event = FORMAT.deserialize(body, EventDecoder::asBytes);
            } catch (RuntimeException e) {
                throw HttpProblem.badRequest("malformed-structured-event",
                        "the " + STRUCTURED_JSON + " body is not a valid CloudEvent: " + reason(e));
            }
            return checked(event, "the " + STRUCTURED_JSON + " body");
        }
        if (mediaType != null && mediaType.startsWith("application/cloudevents")) {
            throw HttpProblem.of(415, "unsupported-event-format", "Unsupported media type", "event format '"
                    + mediaType + "' is not supported: use " + STRUCTURED_JSON + " or binary mode");
        }
        if (headers.getFirst("ce-specversion") == null) {
            return null;
        }
        Map<String, String> flat = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            String value = String.join(",", header.getValue());
            if (HeaderValues.isAttribute(header.getKey())) {
                try {
                    value = HeaderValues.decode(value);
                } catch (IllegalArgumentException e) {
                    throw HttpProblem.badRequest("malformed-binary-event", "header " + header.getKey().toLowerCase(Locale.ROOT)
                            + " '" + value + "' is not percent-encoded correctly: " + e.getMessage());
                }
            }
            flat.put(header.getKey(), value);
        }
        String time = flat.get("ce-time");
        if (time != null && !isTimestamp(time)) {
            throw HttpProblem.badRequest("malformed-binary-event", "header ce-time '" + time
                    + "' is not an RFC 3339 timestamp such as 2026-05-01T10:00:00Z");
        }
        CloudEvent event;
        try {
            event = HttpMessageFactory.createReader(flat, body).toEvent();
        } catch (RuntimeException e) {
            throw HttpProblem.badRequest("malformed-binary-event",
                    "the ce-* headers do not form a valid CloudEvent: " + reason(e));
        }
        return checked(event, "the ce-* headers");
    }

    private static boolean isTimestamp(String text) {
        try {
            java.time.OffsetDateTime.parse(text.trim());
            return true;
        } catch (java.time.DateTimeException e) {
            return false;
        }
    }

    /**
     * What the CloudEvents spec requires and the SDK lets through: non-empty {@code id}, {@code source} and
     * {@code type}, and extension names of lower-case ASCII letters and digits only.
     */
    private static CloudEvent checked(CloudEvent event, String where) throws HttpProblem {
        String missing = event.getId() == null || event.getId().isEmpty() ? "id"
                : event.getSource() == null || event.getSource().toString().isEmpty() ? "source"
                : event.getType() == null || event.getType().isEmpty() ? "type" : null;
        if (missing != null) {
            throw HttpProblem.badRequest("malformed-event", where + ": '" + missing
                    + "' is empty; the CloudEvents spec requires a non-empty " + missing);
        }
        for (String name : event.getExtensionNames()) {
            if (!EXTENSION_NAME.matcher(name).matches()) {
                throw HttpProblem.badRequest("malformed-event", where + ": extension name '" + name + "' is invalid;"
                        + " extension names hold lower-case ASCII letters and digits only (e.g. 'tenantid')");
            }
        }
        return event;
    }

    private List<CloudEvent> batch(byte[] body) throws HttpProblem {
        JsonNode root;
        try {
            root = BATCH.readTree(body);
        } catch (Exception e) {
            throw HttpProblem.badRequest("malformed-batch", "the " + BATCH_JSON + " body is not JSON: " + reason(e));
        }
        if (root == null || !root.isArray()) {
            throw HttpProblem.badRequest("malformed-batch", "a " + BATCH_JSON + " body must be a JSON array of events");
        }
        if (root.isEmpty()) {
            throw HttpProblem.badRequest("empty-batch", "the batch holds no event");
        }
        if (root.size() > maxBatchEvents) {
            throw HttpProblem.of(413, "batch-too-large", "Payload too large", "the batch holds " + root.size()
                    + " events, more than the limit of " + maxBatchEvents + "; split it");
        }
        List<CloudEvent> events = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            CloudEvent event;
            try {
                CloudEvent e = BATCH.treeToValue(root.get(i), CloudEvent.class);
                event = e.getData() == null || e.getData() instanceof BytesCloudEventData
                        ? e : CloudEventBuilder.v1(e).withData(asBytes(e.getData())).build();
            } catch (Exception e) {
                throw HttpProblem.badRequest("malformed-batch", "event " + i + " of the batch is not a valid CloudEvent: "
                        + reason(e) + "; no event of the batch was accepted");
            }
            events.add(checked(event, "event " + i + " of the batch (no event of the batch was accepted)"));
        }
        return events;
    }

    /**
     * Structured JSON puts JSON data inline, and the SDK reads it back as a JSON tree; consumers get the same
     * {@link BytesCloudEventData} whichever mode the producer chose.
     */
    private static BytesCloudEventData asBytes(CloudEventData data) {
        return data instanceof BytesCloudEventData bytes ? bytes : BytesCloudEventData.wrap(data.toBytes());
    }

    private static String mediaType(Headers headers) {
        String contentType = headers.getFirst("Content-Type");
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType).trim().toLowerCase(Locale.ROOT);
    }

    private static URI uri(String header, String value, boolean absoluteHttp, URI fallback) throws HttpProblem {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            URI uri = new URI(value.trim());
            if (absoluteHttp && !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                throw HttpProblem.badRequest("bad-header", header + " '" + value + "' must be an absolute http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw HttpProblem.badRequest("bad-header", header + " '" + value + "' is not a URI: " + e.getReason());
        }
    }

    private static String nonBlankOr(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** The innermost message, which names the actual problem (a missing attribute, a JSON syntax error). */
    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        int newline = message.indexOf('\n');
        String firstLine = newline >= 0 ? message.substring(0, newline) : message;
        // the SDK's own messages do not always say which attribute they are about
        if (firstLine.toLowerCase(Locale.ROOT).contains("base64")) {
            return "data_base64 is not valid base64: " + firstLine;
        }
        if (t instanceof java.time.format.DateTimeParseException) {
            return "time is not an RFC 3339 timestamp such as 2026-05-01T10:00:00Z: " + firstLine;
        }
        return firstLine;
    }
}
