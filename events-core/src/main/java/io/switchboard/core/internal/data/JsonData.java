package io.switchboard.core.internal.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.jackson.JsonCloudEventData;
import io.switchboard.cesql.CesqlDataAccessor;
import io.switchboard.cesql.CesqlDataError;
import io.switchboard.cesql.CesqlDataPath;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * An event's data as a JSON tree, parsed at most once per event per thread, lazily, within bounds on size and nesting
 * depth; and the CESQL data accessor over it.
 *
 * <p>Design note. Dispatch evaluates every candidate filter of one event on one thread, one after the other, and then
 * validates it against the input's schema on that same thread. A one-entry cache per thread, keyed by the identity of
 * the event, therefore gives "parsed once per event however many filters read it" without touching the dispatch path
 * or wrapping the event: an event no data filter (or schema) reads is never parsed, attribute-only dispatch does not
 * even look at the cache, and no lock is taken. CloudEvents are immutable, and the cache holds the event strongly, so
 * identity cannot be confused with a later event. The cost: each dispatching thread keeps its last parsed event (at
 * most {@code maxBytes} of data) reachable until it parses the next one.
 *
 * <p>Bounds: data longer than {@code maxBytes} is not parsed at all; Jackson's stream constraints stop a document that
 * nests deeper than {@code maxDepth} (so neither parsing nor the recursive schema validation can exhaust the stack).
 * Either way the data counts as unreadable, with a message that says which bound and how to raise it.
 */
public final class JsonData implements CesqlDataAccessor {

    /** Default bound on the data's size: 1 MiB, well above webhook payloads, well below a heap concern. */
    public static final int DEFAULT_MAX_BYTES = 1024 * 1024;
    /** Default bound on nesting depth: real payloads nest a few levels; this keeps recursion far from the stack. */
    public static final int DEFAULT_MAX_DEPTH = 64;

    private final ObjectMapper reader;
    private final int maxBytes;
    private final int maxDepth;
    private final LongAdder parses = new LongAdder();
    private final ThreadLocal<Slot> last = ThreadLocal.withInitial(Slot::new);

    public JsonData(int maxBytes, int maxDepth) {
        this.maxBytes = maxBytes;
        this.maxDepth = maxDepth;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxDocumentLength(maxBytes)
                        .build())
                .build();
        // trailing garbage after the document is not JSON either ({"a": 1} x)
        this.reader = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public int maxBytes() {
        return maxBytes;
    }

    public int maxDepth() {
        return maxDepth;
    }

    /** Number of times data was parsed (for tests of the parse-once promise). */
    public long parses() {
        return parses.sum();
    }

    /**
     * The data of {@code event} as a tree or the reason it has none.
     *
     * @param tree    the data, or {@code null} when {@code error} is set
     * @param error   why there is no tree, or {@code null}
     * @param problem a sentence for the error, or {@code null}
     */
    public record Parsed(JsonNode tree, CesqlDataError error, String problem) {
    }

    /** The parsed data of {@code event}: parsed now, or taken from this thread's last parse of the same event. */
    public Parsed parsed(CloudEvent event) {
        Slot slot = last.get();
        if (slot.event == event) {
            return slot.parsed;
        }
        Parsed parsed = parse(event);
        slot.event = event;
        slot.parsed = parsed;
        return parsed;
    }

    private Parsed parse(CloudEvent event) {
        CloudEventData data = event.getData();
        if (data == null) {
            return new Parsed(null, CesqlDataError.NO_DATA, "the event has no data");
        }
        String contentType = event.getDataContentType();
        if (!isJson(contentType)) {
            return new Parsed(null, CesqlDataError.UNREADABLE, "the data's content type '" + contentType
                    + "' is not JSON (application/json or a +json type)");
        }
        if (data instanceof JsonCloudEventData json) {
            // already a tree (a structured-mode JSON event): nothing to parse, but whoever parsed it had other bounds
            JsonNode node = json.getNode();
            if (node == null || node.isMissingNode()) {
                return new Parsed(null, CesqlDataError.NO_DATA, "the event has no data");
            }
            return deeperThan(node, maxDepth) ? tooDeep() : new Parsed(node, null, null);
        }
        byte[] bytes = data.toBytes();
        if (bytes.length == 0) {
            return new Parsed(null, CesqlDataError.NO_DATA, "the event's data is empty");
        }
        if (bytes.length > maxBytes) {
            return new Parsed(null, CesqlDataError.UNREADABLE, "the data is " + bytes.length + " bytes, more than the"
                    + " limit of " + maxBytes + "; raise Switchboard.builder().dataLimits(maxBytes, maxDepth) if such"
                    + " events are expected");
        }
        parses.increment();
        try {
            JsonNode tree = reader.readTree(bytes);
            if (tree == null || tree.isMissingNode()) {
                return new Parsed(null, CesqlDataError.NO_DATA, "the event's data is empty");
            }
            return new Parsed(tree, null, null);
        } catch (StreamConstraintsException tooDeep) {
            return tooDeep();
        } catch (JsonProcessingException e) {
            return new Parsed(null, CesqlDataError.UNREADABLE, "the data is not JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            return new Parsed(null, CesqlDataError.UNREADABLE, "the data could not be read: " + e);
        }
    }

    private Parsed tooDeep() {
        return new Parsed(null, CesqlDataError.UNREADABLE, "the data nests deeper than " + maxDepth + " levels;"
                + " raise Switchboard.builder().dataLimits(maxBytes, maxDepth) if such events are expected");
    }

    /** Whether {@code root} nests deeper than {@code limit} containers; iterative, so any depth is safe to ask about. */
    static boolean deeperThan(JsonNode root, int limit) {
        java.util.ArrayDeque<JsonNode> nodes = new java.util.ArrayDeque<>();
        java.util.ArrayDeque<Integer> depths = new java.util.ArrayDeque<>();
        nodes.push(root);
        depths.push(root.isContainerNode() ? 1 : 0);
        while (!nodes.isEmpty()) {
            JsonNode node = nodes.pop();
            int depth = depths.pop();
            if (depth > limit) {
                return true;
            }
            for (JsonNode child : node) {
                if (child.isContainerNode()) {
                    nodes.push(child);
                    depths.push(depth + 1);
                }
            }
        }
        return false;
    }

    /** CloudEvents: an absent datacontenttype means JSON; otherwise application/json, text/json or any +json type. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return true;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim()
                .toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json") || mediaType.equals("text/json") || mediaType.endsWith("+json");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    @Override
    public Object read(CloudEvent event, CesqlDataPath path) {
        Parsed parsed = parsed(event);
        if (parsed.tree == null) {
            return parsed.error;
        }
        return valueAt(parsed.tree, path);
    }

    /** The CESQL value at {@code path} in {@code tree}, or the {@link CesqlDataError} saying why there is none. */
    static Object valueAt(JsonNode tree, CesqlDataPath path) {
        JsonNode node = tree;
        for (int i = 0, n = path.size(); i < n; i++) {
            if (path.isIndex(i)) {
                node = node.isArray() ? node.get(path.index(i)) : null;
            } else {
                node = node.isObject() ? node.get(path.name(i)) : null;
            }
            if (node == null) {
                return CesqlDataError.MISSING;
            }
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? Boolean.TRUE : Boolean.FALSE;
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToInt() ? (Object) node.intValue() : CesqlDataError.NOT_INTEGER;
        }
        if (node.isNumber()) {
            return CesqlDataError.NOT_INTEGER;
        }
        if (node.isNull() || node.isMissingNode()) {
            return CesqlDataError.MISSING;
        }
        return CesqlDataError.NOT_SCALAR;
    }

    private static final class Slot {
        CloudEvent event;
        Parsed parsed;
    }

    @Override
    public String toString() {
        return "JSON data (at most " + maxBytes + " bytes, " + maxDepth + " levels)";
    }
}
