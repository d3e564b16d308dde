package io.switchboard.server;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.SubscriberStats;
import io.switchboard.core.DrainReport;
import io.switchboard.core.SubscriberLoad;
import io.switchboard.core.Switchboard;
import io.switchboard.micrometer.SwitchboardMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One run of the router: load and build the configuration, start the admin endpoint and the runtime, print the
 * banner, wait for a stop signal, drain, and answer the exit status.
 */
final class Router {

    private static final Logger log = LoggerFactory.getLogger(Router.class);
    private static final String QUIET_RUNTIME = "org.slf4j.simpleLogger.log.io.switchboard.core.Switchboard";

    private final ServerOptions options;
    private final PrintStream out;
    private final PrintStream err;

    private Router(ServerOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        ServerOptions.Parsed parsed;
        try {
            parsed = ServerOptions.parse(args);
        } catch (ServerOptions.UsageException e) {
            err.println("switchboard-server: " + e.getMessage());
            err.println("Run with --help for the options.");
            return Main.EXIT_INVALID;
        }
        if (parsed instanceof ServerOptions.Help) {
            out.print(ServerOptions.USAGE);
            return Main.EXIT_OK;
        }
        if (parsed instanceof ServerOptions.Version) {
            out.println("switchboard-server " + Version.current());
            return Main.EXIT_OK;
        }
        return new Router(((ServerOptions.Run) parsed).options(), out, err).run();
    }

    private int run() {
        long started = System.nanoTime();
        if (options.checkOnly() && System.getProperty(QUIET_RUNTIME) == null) {
            // --check builds and closes a runtime that never ran: its closing line would only confuse
            System.setProperty(QUIET_RUNTIME, "warn");
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            Inventory inventory = new Inventory();
            TriggerCatalog catalog = new TriggerCatalog();
            Switchboard switchboard;
            try {
                switchboard = Loader.load(options, inventory, catalog, registry);
            } catch (ConfigurationException e) {
                err.println("switchboard-server: " + options.configuration() + " is not a valid configuration:");
                err.println(Loader.describeProblems(e));
                return Main.EXIT_INVALID;
            } catch (UncheckedIOException e) {
                err.println("switchboard-server: " + e.getMessage());
                return Main.EXIT_INVALID;
            }
            if (options.checkOnly()) {
                out.print(Banner.render(options, switchboard, inventory, catalog.triggers(), null, false));
                out.println("configuration OK: nothing was started (--check)");
                switchboard.close();
                return Main.EXIT_OK;
            }
            try (JvmGcMetrics gc = new JvmGcMetrics()) {
                bindJvmMeters(registry, gc);
                return serve(switchboard, inventory, catalog, registry, started);
            }
        } finally {
            registry.close();
        }
    }

    private int serve(Switchboard switchboard, Inventory inventory, TriggerCatalog catalog,
                      PrometheusMeterRegistry registry, long started) {
        AdminServer admin;
        try {
            admin = AdminServer.start(options.adminHost(), options.adminPort(), registry,
                    () -> switchboard.runtime().health());
        } catch (IOException e) {
            err.println("switchboard-server: " + e.getMessage());
            switchboard.close();
            return Main.EXIT_FAILED;
        }
        StopSignals signals = new StopSignals();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            // the JVM is exiting for a reason we did not handle (e.g. -Xrs, SIGHUP): drain before it halts
            signals.request("JVM shutdown");
            try {
                // bounded: a JVM that was told to exit must not hang on a drain that cannot finish
                stopped.await(options.drainTimeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "switchboard-shutdown");
        try {
            String unhandled = signals.install();
            if (!unhandled.isEmpty()) {
                log.warn("cannot handle {} in this JVM: a shutdown hook drains instead, and the exit status is the"
                        + " JVM's", unhandled);
            }
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                switchboard.start();
            } catch (RuntimeException e) {
                err.println("switchboard-server: " + e.getMessage());
                switchboard.close();
                return Main.EXIT_FAILED;
            }
            out.print(Banner.render(options, switchboard, inventory, catalog.triggers(), admin.uri(), true));
            out.println("ready in " + (System.nanoTime() - started) / 1_000_000 + " ms; SIGTERM or Ctrl-C drains"
                    + " and stops");
            out.flush();
            String why = awaitStop(signals);
            return drain(switchboard, why);
        } finally {
            admin.close();
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running and returns now that we are done
            }
        }
    }

    private static String awaitStop(StopSignals signals) {
        try {
            return signals.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupt";
        }
    }

    /** Stops ingress, waits for what was accepted (up to the drain timeout), and says what happened. */
    private int drain(Switchboard switchboard, String why) {
        long queued = 0;
        long inFlight = 0;
        for (SubscriberLoad l : switchboard.runtime().loads()) {
            queued += l.queueDepth();
            inFlight += l.inFlight();
        }
        long[] before = settled(switchboard.runtime().stats());
        log.info("{}: stopping ingress, then draining what was accepted: {} firing(s) in flight ({} of them queued)"
                + " and the events still on the buses, for up to {} ms", why, inFlight, queued,
                options.drainTimeout().toMillis());
        DrainReport report = switchboard.shutdown();
        long[] after = settled(switchboard.runtime().stats());
        String done = (after[0] - before[0]) + " firing(s) delivered and " + (after[1] - before[1])
                + " dead-lettered while draining";
        if (report.complete()) {
            log.info("drained in {} ms: {}; nothing left in flight", report.waited().toMillis(), done);
            return Main.EXIT_OK;
        }
        log.warn("stopped before everything was drained: {}; {} — raise --drain-timeout or make the functions"
                + " answer faster", done, report);
        return Main.EXIT_UNDRAINED;
    }

    /** Delivered and dead-lettered firings over every subscriber. */
    private static long[] settled(List<SubscriberStats> stats) {
        long delivered = 0;
        long dead = 0;
        for (SubscriberStats s : stats) {
            delivered += s.delivered();
            dead += s.deadLettered();
        }
        return new long[] {delivered, dead};
    }

    private static void bindJvmMeters(PrometheusMeterRegistry registry, JvmGcMetrics gc) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }
}
