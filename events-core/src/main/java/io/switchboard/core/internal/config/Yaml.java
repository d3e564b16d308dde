package io.switchboard.core.internal.config;

import io.switchboard.core.config.ConfigurationProblems.Problem;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configuration file as a SnakeYAML Engine node tree, and the problems found reading it. SnakeYAML Engine's
 * composer keeps a start mark on every node — keys and values alike — so every problem can name its exact line and
 * column without a hand-written parser or a second pass over the text. JSON is YAML, so {@code .json} files load too.
 */
final class Yaml {

    /** {@code ${NAME}} or {@code ${NAME:default}}; {@code $${} is a literal {@code ${}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_.]*)(?::([^}]*))?}");

    final String file;
    final List<Problem> problems;
    private final Function<String, String> env;

    Yaml(String file, List<Problem> problems, Function<String, String> env) {
        this.file = file;
        this.problems = problems;
        this.env = env;
    }

    /** The document's root node, or empty (with a problem added) when the text is not YAML. */
    Optional<Node> compose(String text) {
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(file).setAllowDuplicateKeys(true).build();
            return new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text))).getSingleNode();
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().orElse(e.getContextMark().orElse(null));
            String what = e.getProblem() == null ? "the text is not valid YAML" : e.getProblem();
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            problems.add(new Problem(file, mark == null ? 1 : mark.getLine() + 1, mark == null ? 1 : mark.getColumn() + 1,
                    "YAML syntax error: " + what + context,
                    "fix the YAML syntax here (indentation, a missing ':' or an unclosed quote or bracket)"));
            return Optional.empty();
        } catch (YamlEngineException e) {
            problems.add(new Problem(file, 1, 1, "YAML syntax error: " + e.getMessage(), "fix the YAML syntax"));
            return Optional.empty();
        }
    }

    void problem(Node at, String message, String fix) {
        problems.add(new Problem(file, line(at), column(at), message, fix));
    }

    /** A problem {@code offset} characters into a single-line scalar (after its opening quote, if any). */
    void problem(Node at, int offset, String message, String fix) {
        int col = column(at);
        if (at instanceof ScalarNode s && singleLine(s)) {
            col += offset + (s.getScalarStyle() == ScalarStyle.PLAIN ? 0 : 1);
        }
        problems.add(new Problem(file, line(at), col, message, fix));
    }

    static int line(Node n) {
        return n.getStartMark().map(m -> m.getLine() + 1).orElse(1);
    }

    static int column(Node n) {
        return n.getStartMark().map(m -> m.getColumn() + 1).orElse(1);
    }

    private static boolean singleLine(ScalarNode s) {
        return s.getStartMark().isPresent() && s.getEndMark().isPresent()
                && s.getStartMark().get().getLine() == s.getEndMark().get().getLine()
                && (s.getScalarStyle() == ScalarStyle.PLAIN || s.getScalarStyle() == ScalarStyle.SINGLE_QUOTED
                || s.getScalarStyle() == ScalarStyle.DOUBLE_QUOTED) && !s.getValue().contains("\\")
                && !s.getValue().contains("''");
    }

    static boolean isNull(Node n) {
        return n instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    static String kindOf(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        if (isNull(n)) {
            return "empty";
        }
        return "'" + ((ScalarNode) n).getValue() + "'";
    }

    /** The key text of a mapping entry (keys that are not scalars are reported and skipped). */
    String key(NodeTuple t) {
        if (t.getKeyNode() instanceof ScalarNode s) {
            return s.getValue();
        }
        problem(t.getKeyNode(), "a key must be a plain word, not " + kindOf(t.getKeyNode()), "write the key as text");
        return null;
    }

    /**
     * A scalar's text with {@code ${VAR:default}} replaced from the environment, or {@code null} (with a problem
     * added) when a variable without default is undefined.
     */
    String text(ScalarNode s) {
        String raw = s.getValue();
        if (raw.indexOf('$') < 0) {
            return raw;
        }
        Matcher m = VARIABLE.matcher(raw);
        StringBuilder out = new StringBuilder();
        boolean ok = true;
        int last = 0;
        while (m.find()) {
            out.append(raw, last, m.start());
            last = m.end();
            if (m.group().equals("$${")) {
                out.append("${");
                continue;
            }
            String value = env.apply(m.group(1));
            if (value == null) {
                value = m.group(2);
            }
            if (value == null) {
                problem(s, m.start(), "environment variable '" + m.group(1) + "' is not set and '${" + m.group(1)
                        + "}' has no default", "set " + m.group(1) + " or write a default: ${" + m.group(1)
                        + ":value}");
                ok = false;
                continue;
            }
            out.append(value);
        }
        out.append(raw.substring(last));
        return ok ? out.toString() : null;
    }

    /** The entries of a mapping node in order (for iteration with positions). */
    static List<NodeTuple> entries(MappingNode m) {
        return new ArrayList<>(m.getValue());
    }
}
