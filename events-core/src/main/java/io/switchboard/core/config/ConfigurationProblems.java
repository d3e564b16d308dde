package io.switchboard.core.config;

import io.switchboard.api.ConfigurationException;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Every mistake found in configuration files (and the builder calls combined with them), reported at once, sorted
 * by file and position. Thrown by {@code Switchboard.Builder.build()} when a file given to
 * {@code Switchboard.Builder.configuration(..)} has problems. The message lists each problem on its own line as
 * {@code file:line:column: what is wrong; how to fix it}.
 */
public final class ConfigurationProblems extends ConfigurationException {
    private static final long serialVersionUID = 1L;

    /** Orders problems by file, line and column; problems without a place come last. */
    private static final Comparator<Problem> ORDER = Comparator
            .comparing((Problem p) -> p.file() == null)
            .thenComparing(p -> p.file() == null ? "" : p.file())
            .thenComparingInt(Problem::line)
            .thenComparingInt(Problem::column);

    private final transient List<Problem> problems;

    /** @param problems at least one */
    public ConfigurationProblems(List<Problem> problems) {
        this(problems.stream().sorted(ORDER).toList(), true);
    }

    private ConfigurationProblems(List<Problem> sorted, boolean marker) {
        super(describe(sorted));
        this.problems = sorted;
    }

    /** The problems, sorted by file and position. */
    public List<Problem> problems() {
        return problems;
    }

    private static String describe(List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("ConfigurationProblems needs at least one problem");
        }
        StringBuilder s = new StringBuilder(problems.size() == 1 ? "1 configuration problem:"
                : problems.size() + " configuration problems:");
        for (Problem p : problems) {
            s.append("\n  ").append(p);
        }
        return s.toString();
    }

    /**
     * One mistake.
     *
     * @param file    the file (or source name) it is in, or {@code null} for a builder call
     * @param line    1-based line, 0 when not in a file
     * @param column  1-based column, 0 when not in a file
     * @param message what is wrong
     * @param fix     how to fix it (may be empty)
     */
    public record Problem(String file, int line, int column, String message, String fix) {
        public Problem {
            Objects.requireNonNull(message, "message");
            fix = fix == null ? "" : fix;
        }

        /** {@code file:line:column: message; fix}, or {@code message; fix} without a file. */
        @Override
        public String toString() {
            String where = file == null ? "" : file + ":" + line + ":" + column + ": ";
            return where + message + (fix.isEmpty() ? "" : "; " + fix);
        }
    }
}
