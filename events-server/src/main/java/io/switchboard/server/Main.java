package io.switchboard.server;

import java.util.Arrays;

/**
 * The standalone router: {@code java -jar switchboard-server.jar switchboard.yaml} runs the sources, buses, triggers
 * and sinks a configuration file declares — HTTP ingress in, HTTP functions out — with a Prometheus {@code /metrics}
 * and a {@code /health} endpoint, until SIGTERM or Ctrl-C; then it stops ingress, drains what it accepted and exits.
 *
 * <p>Exit status: {@value #EXIT_OK} stopped after draining everything (or {@code --check} passed);
 * {@value #EXIT_FAILED} could not start (a port in use, a broker unreachable); {@value #EXIT_INVALID} invalid file
 * or command line, every problem printed to standard error; {@value #EXIT_UNDRAINED} stopped before everything it
 * had accepted was delivered (drain timeout, or a second signal). Flags and endpoints: {@code docs/server.md}.
 */
public final class Main {

    /** Stopped after draining everything, or {@code --check} passed. */
    static final int EXIT_OK = 0;
    /** Could not start: a port in use, a broker unreachable. */
    static final int EXIT_FAILED = 1;
    /** The configuration file or the command line is invalid. */
    static final int EXIT_INVALID = 2;
    /** Stopped before everything accepted was delivered. */
    static final int EXIT_UNDRAINED = 3;

    private Main() {
    }

    /** Runs the router; see the class description for the arguments and the exit status. */
    public static void main(String[] args) {
        logDefaults();
        int status = Router.run(Arrays.asList(args), System.out, System.err);
        System.exit(status);
    }

    /**
     * Log lines with a timestamp, and the broker clients' chatter kept to warnings; each can still be set with
     * {@code -Dorg.slf4j.simpleLogger...}, which wins.
     */
    private static void logDefaults() {
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.io.lettuce", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.io.netty", "warn");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
