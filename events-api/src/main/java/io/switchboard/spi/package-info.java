/**
 * Provider interfaces through which bus and source implementations are found: by {@link java.util.ServiceLoader}
 * (module {@code provides} clauses or {@code META-INF/services}), or registered explicitly with the runtime builder.
 */
package io.switchboard.spi;
