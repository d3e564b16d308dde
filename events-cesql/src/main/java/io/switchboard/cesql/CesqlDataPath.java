package io.switchboard.cesql;

import java.util.Arrays;

/**
 * A path into an event's data, as written in an expression of the data extension ({@code data.order.lines[0].sku},
 * {@code data['key with spaces']}): a sequence of object member names and array indexes. Immutable and thread-safe;
 * built by the parser, read by a {@link CesqlDataAccessor}.
 */
public final class CesqlDataPath {

    private final Object[] segments; // String (member name) or Integer (array index)
    private final String text;

    CesqlDataPath(Object[] segments, String text) {
        this.segments = segments;
        this.text = text;
    }

    /** @return the number of segments, at least 1 */
    public int size() {
        return segments.length;
    }

    /**
     * @param i a segment index, {@code 0 <= i < size()}
     * @return whether segment {@code i} is an array index (else an object member name)
     */
    public boolean isIndex(int i) {
        return segments[i] instanceof Integer;
    }

    /**
     * @param i a segment index whose segment is a member name
     * @return the member name, exactly as written (member names are case-sensitive, unlike attribute names)
     * @throws ClassCastException if segment {@code i} is an array index
     */
    public String name(int i) {
        return (String) segments[i];
    }

    /**
     * @param i a segment index whose segment is an array index
     * @return the array index, {@code >= 0}
     * @throws ClassCastException if segment {@code i} is a member name
     */
    public int index(int i) {
        return (Integer) segments[i];
    }

    /** @return the path as written in canonical form, e.g. {@code data.lines[0]['unit price']} */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CesqlDataPath p && Arrays.equals(segments, p.segments);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(segments);
    }
}
