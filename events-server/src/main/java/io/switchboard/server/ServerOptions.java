package io.switchboard.server;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * The command line of the router, parsed and checked once: every mistake is a {@link UsageException} whose message
 * says what was wrong and what to write instead.
 *
 * @param configuration the configuration file to run
 * @param adminHost     the address the admin endpoint binds ({@code 127.0.0.1} unless told)
 * @param adminPort     the admin endpoint's port ({@value #DEFAULT_ADMIN_PORT}; 0 picks a free one)
 * @param checkOnly     validate the file, print what it declares and exit, without starting anything
 * @param drainTimeout  how long shutdown waits for what was accepted ({@link #DEFAULT_DRAIN_TIMEOUT} unless told)
 */
record ServerOptions(Path configuration, String adminHost, int adminPort, boolean checkOnly, Duration drainTimeout) {

    /** The admin port unless {@code --admin-port} says otherwise: Prometheus's conventional exporter port. */
    static final int DEFAULT_ADMIN_PORT = 9464;
    static final String DEFAULT_ADMIN_HOST = "127.0.0.1";
    /**
     * How long shutdown waits for accepted events unless {@code --drain-timeout} says: with the HTTP source's 5 s
     * grace for requests being answered, it fits in Kubernetes' default 30 s between SIGTERM and SIGKILL.
     */
    static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(20);

    static final String USAGE = """
            Usage: java -jar switchboard-server.jar [options] <switchboard.yaml>

            Runs the sources, buses, triggers and sinks of a configuration file until SIGTERM or Ctrl-C, then stops
            ingress, drains what was accepted and exits.

            Options:
              --admin-port <port>      port of the admin endpoint (/health, /metrics); default 9464, 0 = any free port
              --admin-host <address>   address the admin endpoint binds; default 127.0.0.1 (loopback only)
              --drain-timeout <time>   how long shutdown waits for accepted events, e.g. 45s; default 20s
              --check                  validate the file and print what it declares; start nothing
              --version                print the version
              --help                   print this help

            Exit codes: 0 stopped after draining everything (or --check passed), 1 failed to start,
            2 invalid file or command line, 3 stopped before everything accepted was delivered.
            """;

    /** What {@link #parse} found: options to run with, or a request for help or the version. */
    sealed interface Parsed permits Run, Help, Version {
    }

    /** Run (or check) a configuration. */
    record Run(ServerOptions options) implements Parsed {
    }

    /** {@code --help}. */
    record Help() implements Parsed {
    }

    /** {@code --version}. */
    record Version() implements Parsed {
    }

    /** A command line that cannot be run. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static Parsed parse(List<String> args) throws UsageException {
        Path file = null;
        String host = DEFAULT_ADMIN_HOST;
        int port = DEFAULT_ADMIN_PORT;
        boolean check = false;
        Duration drain = DEFAULT_DRAIN_TIMEOUT;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--help", "-h" -> {
                    return new Help();
                }
                case "--version" -> {
                    return new Version();
                }
                case "--check" -> check = true;
                case "--admin-host" -> {
                    value = value != null ? value : next(args, i++, arg);
                    if (value.isBlank()) {
                        throw new UsageException("--admin-host needs an address, e.g. --admin-host 127.0.0.1");
                    }
                    host = value;
                }
                case "--admin-port" -> port = port(value != null ? value : next(args, i++, arg));
                case "--drain-timeout" -> drain = duration(value != null ? value : next(args, i++, arg));
                default -> {
                    if (arg.startsWith("-") && arg.length() > 1) {
                        throw new UsageException("unknown option '" + arg + "'; see --help for the options");
                    }
                    if (file != null) {
                        throw new UsageException("one configuration file per router, got '" + file + "' and '" + arg
                                + "'; run one process per file");
                    }
                    file = Path.of(arg);
                }
            }
        }
        if (file == null) {
            throw new UsageException("no configuration file given: java -jar switchboard-server.jar switchboard.yaml");
        }
        return new Run(new ServerOptions(file, host, port, check, drain));
    }

    private static String next(List<String> args, int i, String option) throws UsageException {
        if (i + 1 >= args.size()) {
            throw new UsageException(option + " needs a value, e.g. " + option + " " + example(option));
        }
        return args.get(i + 1);
    }

    private static String example(String option) {
        return switch (option) {
            case "--admin-port" -> "9464";
            case "--drain-timeout" -> "30s";
            default -> "127.0.0.1";
        };
    }

    private static int port(String text) throws UsageException {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--admin-port must be a port number from 0 to 65535 (0 = any free port), got '"
                + text + "'");
    }

    /** {@code 30s}, {@code 500ms}, {@code 2m} or ISO-8601 ({@code PT30S}). */
    static Duration duration(String text) throws UsageException {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (t.startsWith("pt") || t.startsWith("p")) {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } else if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            } else {
                d = null;
            }
            if (d != null && !d.isNegative()) {
                return d;
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // reported below
        }
        throw new UsageException("--drain-timeout must be a duration such as 30s, 500ms, 2m or PT30S, got '" + text
                + "'");
    }
}
