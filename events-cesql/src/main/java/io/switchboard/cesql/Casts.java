package io.switchboard.cesql;

import io.cloudevents.CloudEvent;
import io.switchboard.cesql.Node.AnyNode;
import io.switchboard.cesql.Node.BoolNode;
import io.switchboard.cesql.Node.IntNode;
import io.switchboard.cesql.Node.StrNode;

/**
 * CESQL type casting (spec 3.7): the conversions, locale-independent and ASCII-only where the spec says
 * "base 10" or "lower case", and the cast nodes the compiler wraps around operands of another type.
 */
final class Casts {

    /** Marker returned by {@link #parseInt} for a string that is not a 32-bit base-10 integer. */
    static final long NOT_AN_INT = Long.MIN_VALUE;

    private Casts() {
    }

    /**
     * Interprets {@code s} as a 32-bit base-10 integer with an optional leading sign. Only ASCII digits count:
     * {@link Integer#parseInt} would also accept other Unicode digits.
     *
     * @return the value, or {@link #NOT_AN_INT}
     */
    static long parseInt(String s) {
        int n = s.length();
        int i = 0;
        boolean negative = false;
        if (n > 0 && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        if (i == n) {
            return NOT_AN_INT;
        }
        long value = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return NOT_AN_INT;
            }
            value = value * 10 + (c - '0');
            if (value > 2147483648L) {
                return NOT_AN_INT;
            }
        }
        value = negative ? -value : value;
        return value > Integer.MAX_VALUE ? NOT_AN_INT : value;
    }

    /** @return 1 for "true", 0 for "false" (ASCII case-insensitive, as the spec's lower-casing), -1 otherwise */
    static int parseBool(String s) {
        if (asciiEqualsIgnoreCase(s, "true")) {
            return 1;
        }
        if (asciiEqualsIgnoreCase(s, "false")) {
            return 0;
        }
        return -1;
    }

    /** Case-insensitive comparison with a lower-case ASCII word, independent of the default locale. */
    static boolean asciiEqualsIgnoreCase(String s, String lowerAsciiWord) {
        int n = lowerAsciiWord.length();
        if (s.length() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lowerAsciiWord.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static String boolText(boolean b) {
        return b ? "true" : "false";
    }

    /** A short rendering of a value for error messages. */
    static String describe(Object value) {
        if (value instanceof String s) {
            String shown = s.length() > 40 ? s.substring(0, 37) + "..." : s;
            return "String '" + shown + "'";
        }
        if (value instanceof Integer) {
            return "Integer " + value;
        }
        return "Boolean " + value;
    }

    /** Converts a CESQL value to the target type; on failure reports a CastError and returns the zero value. */
    static Object castObject(Object value, Node.Type target, Errors errors, int pos) {
        switch (target) {
            case BOOL:
                if (value instanceof Boolean) {
                    return value;
                }
                if (value instanceof Integer i) {
                    return i != 0;
                }
                int b = parseBool((String) value);
                if (b < 0) {
                    errors.cast(value, "Boolean", pos, "only 'true' and 'false' (any case) are Booleans");
                    return Boolean.FALSE;
                }
                return b == 1;
            case INT:
                if (value instanceof Integer) {
                    return value;
                }
                if (value instanceof Boolean bool) {
                    return bool ? 1 : 0;
                }
                long l = parseInt((String) value);
                if (l == NOT_AN_INT) {
                    errors.cast(value, "Integer", pos, "not a 32-bit base-10 integer");
                    return 0;
                }
                return (int) l;
            case STRING:
                if (value instanceof String) {
                    return value;
                }
                return value instanceof Boolean bool ? boolText(bool) : value.toString();
            default:
                return value;
        }
    }

    static BoolNode toBool(Node n) {
        return switch (n.type()) {
            case BOOL -> (BoolNode) n;
            case INT -> new IntToBool((IntNode) n);
            case STRING -> new StrToBool((StrNode) n);
            case ANY -> new AnyToBool((AnyNode) n);
        };
    }

    static IntNode toInt(Node n) {
        return switch (n.type()) {
            case BOOL -> new BoolToInt((BoolNode) n);
            case INT -> (IntNode) n;
            case STRING -> new StrToInt((StrNode) n);
            case ANY -> new AnyToInt((AnyNode) n);
        };
    }

    static StrNode toStr(Node n) {
        return switch (n.type()) {
            case BOOL -> new BoolToStr((BoolNode) n);
            case INT -> new IntToStr((IntNode) n);
            case STRING -> (StrNode) n;
            case ANY -> new AnyToStr((AnyNode) n);
        };
    }

    static Node to(Node n, Node.Type target) {
        return switch (target) {
            case BOOL -> toBool(n);
            case INT -> toInt(n);
            case STRING -> toStr(n);
            case ANY -> n;
        };
    }

    static final class IntToBool extends BoolNode {
        final IntNode child;

        IntToBool(IntNode child) {
            super(child.pos, child.depth + 1, child.constant);
            this.child = child;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            return child.evalInt(event, errors) != 0; // an errored child returns 0, which is already our zero
        }
    }

    static final class StrToBool extends BoolNode {
        final StrNode child;

        StrToBool(StrNode child) {
            super(child.pos, child.depth + 1, child.constant);
            this.child = child;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            int mark = errors.count;
            String s = child.evalString(event, errors);
            if (errors.count != mark) {
                return false;
            }
            int b = parseBool(s);
            if (b < 0) {
                errors.cast(s, "Boolean", pos, "only 'true' and 'false' (any case) are Booleans");
                return false;
            }
            return b == 1;
        }
    }

    static final class AnyToBool extends BoolNode {
        final AnyNode child;

        AnyToBool(AnyNode child) {
            super(child.pos, child.depth + 1, false);
            this.child = child;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            Object v = child.evalAny(event, errors);
            if (v == null) {
                return false;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            return (Boolean) castObject(v, Type.BOOL, errors, pos);
        }
    }

    static final class BoolToInt extends IntNode {
        final BoolNode child;

        BoolToInt(BoolNode child) {
            super(child.pos, child.depth + 1, child.constant);
            this.child = child;
        }

        @Override
        int evalInt(CloudEvent event, Errors errors) {
            return child.evalBool(event, errors) ? 1 : 0;
        }
    }

    static final class StrToInt extends IntNode {
        final StrNode child;

        StrToInt(StrNode child) {
            super(child.pos, child.depth + 1, child.constant);
            this.child = child;
        }

        @Override
        int evalInt(CloudEvent event, Errors errors) {
            int mark = errors.count;
            String s = child.evalString(event, errors);
            if (errors.count != mark) {
                return 0;
            }
            long l = parseInt(s);
            if (l == NOT_AN_INT) {
                errors.cast(s, "Integer", pos, "not a 32-bit base-10 integer");
                return 0;
            }
            return (int) l;
        }
    }

    static final class AnyToInt extends IntNode {
        final AnyNode child;

        AnyToInt(AnyNode child) {
            super(child.pos, child.depth + 1, false);
            this.child = child;
        }

        @Override
        int evalInt(CloudEvent event, Errors errors) {
            Object v = child.evalAny(event, errors);
            if (v == null) {
                return 0;
            }
            if (v instanceof Integer i) {
                return i;
            }
            if (v instanceof String s) {
                // parse without boxing: extensions from HTTP headers and Kafka are Strings, and this is hot
                long l = parseInt(s);
                if (l == NOT_AN_INT) {
                    errors.cast(s, "Integer", pos, "not a 32-bit base-10 integer");
                    return 0;
                }
                return (int) l;
            }
            return (Boolean) v ? 1 : 0;
        }
    }

    static final class BoolToStr extends StrNode {
        final BoolNode child;

        BoolToStr(BoolNode child) {
            super(child.pos, child.depth + 1, child.constant);
            this.child = child;
        }

        @Override
        String evalString(CloudEvent event, Errors errors) {
            int mark = errors.count;
            boolean b = child.evalBool(event, errors);
            return errors.count != mark ? "" : boolText(b);
        }
    }

    static final class IntToStr extends StrNode {
        final IntNode child;

        IntToStr(IntNode child) {
            super(child.pos, child.depth + 1, child.constant);
            this.child = child;
        }

        @Override
        String evalString(CloudEvent event, Errors errors) {
            int mark = errors.count;
            int i = child.evalInt(event, errors);
            return errors.count != mark ? "" : Integer.toString(i);
        }
    }

    static final class AnyToStr extends StrNode {
        final AnyNode child;

        AnyToStr(AnyNode child) {
            super(child.pos, child.depth + 1, false);
            this.child = child;
        }

        @Override
        String evalString(CloudEvent event, Errors errors) {
            Object v = child.evalAny(event, errors);
            if (v == null) {
                return "";
            }
            if (v instanceof String s) {
                return s;
            }
            return (String) castObject(v, Type.STRING, errors, pos);
        }
    }
}
