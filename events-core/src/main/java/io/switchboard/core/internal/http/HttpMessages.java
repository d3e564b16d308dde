package io.switchboard.core.internal.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.switchboard.api.HttpTarget;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bodies and headers an HTTP sink sends, and the reply it reads, all through the CloudEvents SDK: the HTTP
 * protocol binding ({@link HttpMessageFactory}) for binary and structured messages and for reading a response, the
 * JSON event format for a batch. The only thing added to the binding is the percent-encoding of {@code ce-*} values
 * ({@link HeaderValues}), which the binding requires and the SDK leaves out. Stateless and thread-safe.
 */
final class HttpMessages {

    /** Media type of a JSON batch (CloudEvents JSON format, section 4). */
    static final String BATCH_CONTENT_TYPE = "application/cloudevents-batch+json";
    static final String STRUCTURED_CONTENT_TYPE = JsonFormat.CONTENT_TYPE;

    private static final JsonFormat FORMAT = new JsonFormat();
    private static final ObjectWriter BATCH_WRITER;

    static {
        ObjectMapper mapper = new ObjectMapper().registerModule(JsonFormat.getCloudEventJacksonModule());
        // written as a list of CloudEvent (the declared type), so each element goes through the format's serializer
        BATCH_WRITER = mapper.writerFor(mapper.getTypeFactory().constructCollectionType(List.class, CloudEvent.class));
    }

    private HttpMessages() {
    }

    /** A request's content: its headers (content type included) in the order written, and the exact body bytes. */
    record Content(Map<String, String> headers, byte[] body) {
    }

    /** One event in {@code mode}: binary ({@code ce-*} headers, data as body) or structured JSON. */
    static Content single(CloudEvent event, HttpTarget.Mode mode) {
        Map<String, String> headers = new LinkedHashMap<>();
        byte[][] body = new byte[1][];
        var writer = HttpMessageFactory.createWriter(
                (name, value) -> headers.put(name, HeaderValues.isAttribute(name) ? HeaderValues.encode(value) : value),
                bytes -> body[0] = bytes);
        if (mode == HttpTarget.Mode.STRUCTURED) {
            writer.writeStructured(event, FORMAT);
        } else {
            writer.writeBinary(event);
        }
        return new Content(headers, body[0] == null ? new byte[0] : body[0]);
    }

    /** Several events as one JSON batch, in the order given. */
    static Content batch(List<CloudEvent> events) {
        try {
            return new Content(Map.of("content-type", BATCH_CONTENT_TYPE), BATCH_WRITER.writeValueAsBytes(events));
        } catch (IOException e) {
            throw new UncheckedIOException("a batch of CloudEvents could not be written as JSON", e);
        }
    }

    /**
     * The CloudEvent a response carries, or {@code null} when it carries none (no {@code ce-specversion} header and
     * not {@code application/cloudevents+json}: an ordinary body such as {@code OK} is not a reply).
     *
     * @throws IllegalArgumentException when the response claims to be a CloudEvent but is not a valid one
     */
    static CloudEvent reply(Map<String, List<String>> responseHeaders, byte[] body) {
        Map<String, String> flat = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, List<String>> header : responseHeaders.entrySet()) {
            if (header.getKey() == null || header.getKey().startsWith(":")) {
                continue; // the status line (HTTP/1.1) or pseudo-headers (HTTP/2)
            }
            String value = String.join(",", header.getValue());
            flat.put(header.getKey(), HeaderValues.isAttribute(header.getKey()) ? HeaderValues.decode(value) : value);
        }
        String contentType = flat.getOrDefault("content-type", "").toLowerCase(Locale.ROOT);
        if (!flat.containsKey("ce-specversion") && !contentType.startsWith(STRUCTURED_CONTENT_TYPE)) {
            return null;
        }
        try {
            return HttpMessageFactory.createReader(flat, body).toEvent();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
    }
}
