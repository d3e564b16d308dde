/**
 * Provider interfaces through which bus and source implementations are found: by {@link java.util.ServiceLoader}
 * (module {@code provides} clauses or {@code META-INF/services}), or registered explicitly with the runtime builder.
 *
 * <p>Start with {@link io.switchboard.spi.EventBusProvider} to make a bus available by type name, or
 * {@link io.switchboard.spi.EventSourceProvider} for a source; applications only use these to add their own types.
 */
package io.switchboard.spi;
