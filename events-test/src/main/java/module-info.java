/**
 * Testing Switchboard: a JUnit 5 harness for an application's routes (manual clock, probes, AssertJ assertions,
 * event fixtures) and the compatibility kit every {@link io.switchboard.api.EventBus} implementation passes.
 */
module io.switchboard.test {
    requires transitive io.switchboard.core;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;
    requires awaitility;

    exports io.switchboard.test;

    uses io.switchboard.spi.EventBusProvider;
}
