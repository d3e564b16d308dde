package io.switchboard.cesql;

import io.cloudevents.CloudEvent;
import io.switchboard.cesql.Node.BoolNode;
import io.switchboard.cesql.Node.IntNode;
import io.switchboard.cesql.Node.StrNode;
import io.switchboard.cesql.Node.Type;
import java.util.List;
import java.util.Locale;

/**
 * The built-in functions of CESQL v1 (spec 3.5) plus the casting functions INT, BOOL, STRING and the checks
 * IS_INT, IS_BOOL. Strings are sequences of code points: LENGTH, LEFT, RIGHT and SUBSTRING count code points.
 */
final class BuiltIns {

    private BuiltIns() {
    }

    private static Type[] params(Type... types) {
        return types;
    }

    static List<FunctionDef> all() {
        return List.of(
                new FunctionDef("LENGTH", params(Type.STRING), null, Type.INT,
                        (a, p) -> new Length((StrNode) a[0], p)),
                new FunctionDef("CONCAT", params(), Type.STRING, Type.STRING,
                        (a, p) -> new Concat(null, strs(a, 0), p)),
                new FunctionDef("CONCAT_WS", params(Type.STRING), Type.STRING, Type.STRING,
                        (a, p) -> new Concat((StrNode) a[0], strs(a, 1), p)),
                new FunctionDef("LOWER", params(Type.STRING), null, Type.STRING,
                        (a, p) -> new CaseMap((StrNode) a[0], false, p)),
                new FunctionDef("UPPER", params(Type.STRING), null, Type.STRING,
                        (a, p) -> new CaseMap((StrNode) a[0], true, p)),
                new FunctionDef("TRIM", params(Type.STRING), null, Type.STRING,
                        (a, p) -> new Trim((StrNode) a[0], p)),
                new FunctionDef("LEFT", params(Type.STRING, Type.INT), null, Type.STRING,
                        (a, p) -> new LeftRight((StrNode) a[0], (IntNode) a[1], false, p)),
                new FunctionDef("RIGHT", params(Type.STRING, Type.INT), null, Type.STRING,
                        (a, p) -> new LeftRight((StrNode) a[0], (IntNode) a[1], true, p)),
                new FunctionDef("SUBSTRING", params(Type.STRING, Type.INT), null, Type.STRING,
                        (a, p) -> new Substring((StrNode) a[0], (IntNode) a[1], null, p)),
                new FunctionDef("SUBSTRING", params(Type.STRING, Type.INT, Type.INT), null, Type.STRING,
                        (a, p) -> new Substring((StrNode) a[0], (IntNode) a[1], (IntNode) a[2], p)),
                new FunctionDef("ABS", params(Type.INT), null, Type.INT,
                        (a, p) -> new Abs((IntNode) a[0], p)),
                new FunctionDef("INT", params(Type.ANY), null, Type.INT, (a, p) -> Casts.toInt(a[0])),
                new FunctionDef("BOOL", params(Type.ANY), null, Type.BOOL, (a, p) -> Casts.toBool(a[0])),
                new FunctionDef("STRING", params(Type.ANY), null, Type.STRING, (a, p) -> Casts.toStr(a[0])),
                new FunctionDef("IS_INT", params(Type.ANY), null, Type.BOOL,
                        (a, p) -> new IsCastable(a[0], Type.INT, p)),
                new FunctionDef("IS_BOOL", params(Type.ANY), null, Type.BOOL,
                        (a, p) -> new IsCastable(a[0], Type.BOOL, p)));
    }

    private static StrNode[] strs(Node[] args, int from) {
        StrNode[] out = new StrNode[args.length - from];
        for (int i = from; i < args.length; i++) {
            out[i - from] = (StrNode) args[i];
        }
        return out;
    }

    /** Unicode White_Space (PropList.txt): differs from both String.trim() and Character.isWhitespace(). */
    static boolean isWhiteSpace(char c) {
        return c >= '\t' && c <= '\r' || c == ' ' || c == '\u0085' || c == '\u00A0' || c == '\u1680'
                || c >= '\u2000' && c <= '\u200A' || c == '\u2028' || c == '\u2029' || c == '\u202F'
                || c == '\u205F' || c == '\u3000';
    }

    static final class Length extends IntNode {
        final StrNode x;

        Length(StrNode x, int pos) {
            super(pos, x.depth + 1, x.constant);
            this.x = x;
        }

        @Override
        int evalInt(CloudEvent event, Errors errors) {
            String s = x.evalString(event, errors); // an errored "" has length 0, the zero value
            return s.codePointCount(0, s.length());
        }
    }

    static final class Concat extends StrNode {
        final StrNode separator;
        final StrNode[] parts;

        Concat(StrNode separator, StrNode[] parts, int pos) {
            super(pos, Math.max(separator == null ? 0 : separator.depth, Node.depthOf(parts)) + 1,
                    (separator == null || separator.constant) && Node.allConstant(parts));
            this.separator = separator;
            this.parts = parts;
        }

        @Override
        String evalString(CloudEvent event, Errors errors) {
            int mark = errors.count;
            String sep = separator == null ? "" : separator.evalString(event, errors);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                String s = parts[i].evalString(event, errors);
                if (i > 0) {
                    sb.append(sep);
                }
                sb.append(s);
            }
            return errors.count != mark ? "" : sb.toString();
        }
    }

    static final class CaseMap extends StrNode {
        final StrNode x;
        final boolean upper;

        CaseMap(StrNode x, boolean upper, int pos) {
            super(pos, x.depth + 1, x.constant);
            this.x = x;
            this.upper = upper;
        }

        @Override
        String evalString(CloudEvent event, Errors errors) {
            String s = x.evalString(event, errors);
            // Locale.ROOT: the result must not depend on the JVM's default locale (tr-TR maps 'I' to dotless 'ı')
            return upper ? s.toUpperCase(Locale.ROOT) : s.toLowerCase(Locale.ROOT);
        }
    }

    static final class Trim extends StrNode {
        final StrNode x;

        Trim(StrNode x, int pos) {
            super(pos, x.depth + 1, x.constant);
            this.x = x;
        }

        @Override
        String evalString(CloudEvent event, Errors errors) {
            String s = x.evalString(event, errors);
            int start = 0;
            int end = s.length();
            // every White_Space code point is in the BMP, so char-wise scanning is exact
            while (start < end && isWhiteSpace(s.charAt(start))) {
                start++;
            }
            while (end > start && isWhiteSpace(s.charAt(end - 1))) {
                end--;
            }
            return s.substring(start, end);
        }
    }

    static final class LeftRight extends StrNode {
        final StrNode x;
        final IntNode y;
        final boolean right;

        LeftRight(StrNode x, IntNode y, boolean right, int pos) {
            super(pos, Node.depthOf(x, y), Node.allConstant(x, y));
            this.x = x;
            this.y = y;
            this.right = right;
        }

        @Override
        String evalString(CloudEvent event, Errors errors) {
            int mark = errors.count;
            String s = x.evalString(event, errors);
            int n = y.evalInt(event, errors);
            if (errors.count != mark) {
                return "";
            }
            if (n < 0) {
                errors.function(right ? "RIGHT" : "LEFT", "the length " + n + " is negative; the string is "
                        + "returned unchanged", pos);
                return s;
            }
            int length = s.codePointCount(0, s.length());
            if (n >= length) {
                return s;
            }
            return right ? s.substring(s.offsetByCodePoints(0, length - n))
                    : s.substring(0, s.offsetByCodePoints(0, n));
        }
    }

    static final class Substring extends StrNode {
        final StrNode x;
        final IntNode position;
        final IntNode length;

        Substring(StrNode x, IntNode position, IntNode length, int pos) {
            super(pos, length == null ? Node.depthOf(x, position) : Node.depthOf(x, position, length),
                    length == null ? Node.allConstant(x, position) : Node.allConstant(x, position, length));
            this.x = x;
            this.position = position;
            this.length = length;
        }

        @Override
        String evalString(CloudEvent event, Errors errors) {
            int mark = errors.count;
            String s = x.evalString(event, errors);
            int p = position.evalInt(event, errors);
            int len = length == null ? Integer.MAX_VALUE : length.evalInt(event, errors);
            if (errors.count != mark) {
                return "";
            }
            int cps = s.codePointCount(0, s.length());
            if (p > cps || p < -cps) {
                errors.function("SUBSTRING", "the position " + p + " is outside the string of length " + cps
                        + " (valid: -" + cps + " to " + cps + ")", pos);
                return "";
            }
            if (len < 0) {
                errors.function("SUBSTRING", "the length " + len + " is negative", pos);
                return "";
            }
            if (p == 0) {
                return "";
            }
            int begin = p > 0 ? p - 1 : cps + p; // in code points
            int end = (int) Math.min((long) begin + len, cps);
            int from = s.offsetByCodePoints(0, begin);
            return s.substring(from, s.offsetByCodePoints(from, end - begin));
        }
    }

    static final class Abs extends IntNode {
        final IntNode x;

        Abs(IntNode x, int pos) {
            super(pos, x.depth + 1, x.constant);
            this.x = x;
        }

        @Override
        int evalInt(CloudEvent event, Errors errors) {
            int v = x.evalInt(event, errors); // an errored 0 stays 0
            if (v == Integer.MIN_VALUE) {
                errors.math("ABS(" + v + ") overflows 32 bits, result saturated to " + Integer.MAX_VALUE, pos);
                return Integer.MAX_VALUE;
            }
            return Math.abs(v);
        }
    }

    /** IS_INT / IS_BOOL: whether the argument can be cast to the type without error. */
    static final class IsCastable extends BoolNode {
        final Node x;
        final Type target;

        IsCastable(Node x, Type target, int pos) {
            super(pos, x.depth + 1, x.constant);
            this.x = x;
            this.target = target;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            int mark = errors.count;
            Object v = x.evalObject(event, errors);
            if (errors.count != mark) {
                return false;
            }
            if (v instanceof String s) {
                return target == Type.INT ? Casts.parseInt(s) != Casts.NOT_AN_INT : Casts.parseBool(s) >= 0;
            }
            return true; // Integer and Boolean cast to each other without error
        }
    }
}
