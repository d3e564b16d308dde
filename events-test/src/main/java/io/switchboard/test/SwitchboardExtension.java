package io.switchboard.test;

import io.switchboard.api.Trigger;
import io.switchboard.core.Switchboard;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * JUnit 5 extension giving each test a {@link SwitchboardHarness}: the application's routes on in-memory buses with a
 * manual clock. Register it on a field and use it directly:
 *
 * <pre>{@code
 * @RegisterExtension
 * final SwitchboardExtension switchboard = SwitchboardExtension.create().configure(OrderRoutes::configure);
 *
 * @Test
 * void paidOrdersShip() {
 *     Probe shipped = switchboard.probe("shipped");
 *     ...
 * }
 * }</pre>
 *
 * or with {@link SwitchboardTest @SwitchboardTest} and a {@link SwitchboardHarness} parameter. Each test gets a fresh
 * clock (starting at {@link #startingAt the configured instant}), fresh probes and a fresh runtime, closed after it;
 * when a test fails, the harness's {@linkplain SwitchboardHarness#describe() account} is printed to standard error.
 *
 * <p>Configure the extension where it is declared; the configuration is read by each test. Not thread-safe; tests in
 * one class must not run concurrently against one instance.
 */
public final class SwitchboardExtension extends SwitchboardHarness
        implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** For {@code @ExtendWith} / {@link SwitchboardTest}; prefer {@link #create()} in code. */
    public SwitchboardExtension() {
    }

    /** An extension with no routes yet: add the application's with {@link #configure} or {@link #triggers}. */
    public static SwitchboardExtension create() {
        return new SwitchboardExtension();
    }

    /**
     * Applies the application's runtime configuration (e.g. {@code OrderRoutes::configure}) to each test's runtime
     * when called where the extension is declared, or to the current test's runtime only when called during a test
     * (before the runtime starts). Buses declared by type become in-memory buses; the scheduler, executor and drain
     * timeout are replaced by the harness's. May be called several times; configurations apply in order.
     */
    @Override
    public SwitchboardExtension configure(Consumer<Switchboard.Builder> configuration) {
        Objects.requireNonNull(configuration, "configuration");
        if (testIsOpen()) {
            super.configure(configuration); // inside a test: for this test only
        } else {
            configurations.add(configuration);
        }
        return this;
    }

    /** Adds the application's triggers to each test's runtime. */
    public SwitchboardExtension triggers(Collection<Trigger> triggers) {
        List<Trigger> copy = List.copyOf(triggers);
        configurations.add(b -> b.triggers(copy));
        return this;
    }

    /** Adds the application's triggers to each test's runtime. */
    public SwitchboardExtension triggers(Trigger... triggers) {
        return triggers(List.of(triggers));
    }

    /**
     * Sources of these provider types (e.g. {@code kafka}, {@code http}) are replaced by inert stand-ins of the same
     * name: nothing connects or listens, and tests emit as them with {@link SwitchboardHarness#emit}. Sources passed
     * as instances are kept. Cron and timer sources need no stand-in: they run on the manual clock.
     */
    public SwitchboardExtension inertSources(String... types) {
        for (String type : types) {
            inertSourceTypes.add(Objects.requireNonNull(type, "type"));
        }
        return this;
    }

    /**
     * Names bus types to swap for in-memory buses. No longer needed: every bus declared by type is swapped, whether or
     * not its module is on the test class path; kept so that existing tests compile.
     */
    public SwitchboardExtension swapBusTypes(String... types) {
        for (String type : types) {
            busTypes.add(Objects.requireNonNull(type, "type"));
        }
        return this;
    }

    /** The instant each test's clock starts at. Default 2026-01-01T00:00:00Z. */
    public SwitchboardExtension startingAt(Instant start) {
        this.startTime = Objects.requireNonNull(start, "start");
        return this;
    }

    /** How long publishing, requests and {@link #awaitIdle()} wait at most. Default 5 s. */
    public SwitchboardExtension timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        open();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            if (context.getExecutionException().isPresent()) {
                System.err.println(context.getDisplayName() + " failed; " + describe());
            }
        } finally {
            closeQuietly();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SwitchboardHarness.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return this;
    }
}
