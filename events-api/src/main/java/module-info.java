/**
 * Switchboard contracts: event sources, event buses, the trigger model, handler types, delivery policy
 * and the provider SPI. Events are {@code io.cloudevents.CloudEvent} throughout.
 */
module io.switchboard.api {
    requires transitive io.cloudevents.api;

    exports io.switchboard.api;
    exports io.switchboard.spi;

    uses io.switchboard.spi.EventBusProvider;
    uses io.switchboard.spi.EventSourceProvider;
}
