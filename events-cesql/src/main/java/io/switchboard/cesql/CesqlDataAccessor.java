package io.switchboard.cesql;

import io.cloudevents.CloudEvent;

/**
 * Reads fields of an event's data for the data extension of CESQL (see {@link Cesql.Builder#dataFields}). The engine
 * parses paths such as {@code data.total} or {@code data.lines[0].sku} and asks the accessor for their values; how
 * the data is decoded (and cached per event, so that many filters parse it once) is the accessor's business, which
 * keeps this engine free of any JSON library.
 *
 * <p>Implementations must be thread-safe, must not throw, and should answer quickly: they run on the evaluation path.
 */
@FunctionalInterface
public interface CesqlDataAccessor {

    /**
     * Reads the value at {@code path} in the data of {@code event}.
     *
     * @param event the event being evaluated, non-null
     * @param path  the path, non-null
     * @return a {@link Boolean}, {@link Integer} or {@link String} (CESQL's types), or a {@link CesqlDataError} saying
     *         why there is no such value; never null
     */
    Object read(CloudEvent event, CesqlDataPath path);
}
