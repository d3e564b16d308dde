package io.switchboard.api;

import java.util.List;

/**
 * A handler that sees the whole {@link Firing} plus the data of its {@link Firing#batch() batch} mapped to {@code T}, in
 * the same order (one element for an unbatched subscriber: the completing event's data).
 *
 * @param <T> the data type
 */
@FunctionalInterface
public interface TypedFiringHandler<T> {
    void handle(Firing firing, List<T> data) throws Exception;
}
