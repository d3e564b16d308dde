package io.switchboard.cesql;

import io.cloudevents.CloudEvent;
import io.switchboard.cesql.Node.BoolNode;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code x [NOT] IN (y1, y2, ...)}: equality with {@code x}'s type as the target type of the set elements.
 *
 * <p>The set is unordered, so the result must not depend on element order: every element is evaluated and cast,
 * and any error (in {@code x}, in an element or in a cast) makes the result {@code false}. A set of literals is
 * precomputed per target type, so the common {@code subject IN ('a', 'b')} is a few {@code equals} calls.
 */
final class In {

    private static final int HASH_THRESHOLD = 8;

    private In() {
    }

    static BoolNode of(Node left, Node[] elements, boolean negate, int pos, UnaryOperator<Node> fold) {
        boolean literals = true;
        for (Node e : elements) {
            literals &= Literals.isLiteral(e);
        }
        Node.Type target = left.type();
        if (target != Node.Type.ANY) {
            Node[] cast = new Node[elements.length];
            boolean castLiterals = true;
            for (int i = 0; i < elements.length; i++) {
                cast[i] = fold.apply(Casts.to(elements[i], target));
                castLiterals &= Literals.isLiteral(cast[i]);
            }
            if (castLiterals) {
                Object[] values = new Object[cast.length];
                for (int i = 0; i < cast.length; i++) {
                    values[i] = cast[i].evalObject(null, Errors.FAIL_FAST);
                }
                if (left instanceof Node.StrNode str && values.length <= HASH_THRESHOLD) {
                    String[] strings = new String[values.length];
                    for (int i = 0; i < values.length; i++) {
                        strings[i] = (String) values[i];
                    }
                    return new Strings(str, strings, negate, pos);
                }
                return new Constant(left, elements, new ConstantSet(values), null, null, negate, pos);
            }
            return new General(left, cast, negate, pos);
        }
        if (literals) {
            // every element is a literal, so each target type can be precomputed
            Object[] values = new Object[elements.length];
            for (int i = 0; i < elements.length; i++) {
                values[i] = elements[i].evalObject(null, Errors.collecting());
            }
            return new Constant(left, elements, new ConstantSet(castAll(values, Node.Type.STRING)),
                    castAll(values, Node.Type.INT), castAll(values, Node.Type.BOOL), negate, pos);
        }
        return new General(left, elements, negate, pos);
    }

    /** Casts literal values to a target type; null if one of them cannot be cast (so that target raises an error). */
    private static Object[] castAll(Object[] values, Node.Type target) {
        Object[] out = new Object[values.length];
        Errors errors = Errors.collecting();
        for (int i = 0; i < values.length; i++) {
            out[i] = Casts.castObject(values[i], target, errors, 0);
        }
        return errors.count == 0 ? out : null;
    }

    /** Membership in a set of literal values of one type. */
    static final class ConstantSet {
        final Object[] values;
        final Set<Object> hashed;
        /** The values unboxed when they are all Integers, so an Integer operand is matched without boxing. */
        final int[] ints;

        ConstantSet(Object[] values) {
            this.values = values;
            this.hashed = values.length > HASH_THRESHOLD ? new HashSet<>(Arrays.asList(values)) : null;
            int[] unboxed = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                if (!(values[i] instanceof Integer n)) {
                    unboxed = null;
                    break;
                }
                unboxed[i] = n;
            }
            this.ints = unboxed;
        }

        boolean containsInt(int value) {
            for (int v : ints) {
                if (v == value) {
                    return true;
                }
            }
            return false;
        }

        boolean contains(Object value) {
            if (hashed != null) {
                return hashed.contains(value);
            }
            for (Object v : values) {
                if (v.equals(value)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code subject IN ('a', 'b')}: a String operand and a few String literals. */
    static final class Strings extends BoolNode {
        final Node.StrNode left;
        final String[] values;
        final boolean negate;

        Strings(Node.StrNode left, String[] values, boolean negate, int pos) {
            super(pos, left.depth + 1, left.constant);
            this.left = left;
            this.values = values;
            this.negate = negate;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            int mark = errors.count;
            String s = Attributes.readString(left, event, errors);
            if (errors.count != mark) {
                return false;
            }
            for (String v : values) {
                if (v.equals(s)) {
                    return !negate;
                }
            }
            return negate;
        }
    }

    /** Elements are literals. With a statically typed left operand only {@code set} is used. */
    static final class Constant extends BoolNode {
        final Node left;
        final Node[] elements;
        final ConstantSet set;
        final ConstantSet ints;
        final ConstantSet bools;
        final boolean negate;

        Constant(Node left, Node[] elements, ConstantSet set, Object[] ints, Object[] bools, boolean negate,
                int pos) {
            super(pos, left.depth + 1, left.constant);
            this.left = left;
            this.elements = elements;
            this.set = set;
            this.ints = ints == null ? null : new ConstantSet(ints);
            this.bools = bools == null ? null : new ConstantSet(bools);
            this.negate = negate;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            int mark = errors.count;
            if (left instanceof Node.IntNode i && set.ints != null) {
                int n = i.evalInt(event, errors);
                return errors.count == mark && set.containsInt(n) != negate;
            }
            Object v = left instanceof Node.StrNode s ? s.evalString(event, errors) : left.evalObject(event, errors);
            if (errors.count != mark) {
                return false;
            }
            ConstantSet target = set;
            if (left.type() == Node.Type.ANY) {
                if (v instanceof Integer) {
                    target = ints;
                } else if (v instanceof Boolean) {
                    target = bools;
                }
                if (target == null) {
                    reportCastFailure(v, errors);
                    return false;
                }
            }
            return target.contains(v) != negate;
        }

        private void reportCastFailure(Object v, Errors errors) {
            Node.Type t = Comparison.typeOf(v);
            for (Node element : elements) {
                Object value = element.evalObject(null, Errors.FAIL_FAST);
                Casts.castObject(value, t, errors, element.pos);
            }
        }
    }

    static final class General extends BoolNode {
        final Node left;
        final Node[] elements;
        final boolean negate;

        General(Node left, Node[] elements, boolean negate, int pos) {
            super(pos, Math.max(left.depth, Node.depthOf(elements)) + 1, false);
            this.left = left;
            this.elements = elements;
            this.negate = negate;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            int mark = errors.count;
            Object v = left.evalObject(event, errors);
            boolean leftFailed = errors.count != mark;
            Node.Type target = leftFailed ? null : Comparison.typeOf(v);
            boolean found = false;
            for (Node element : elements) {
                int before = errors.count;
                Object e = element.evalObject(event, errors);
                if (leftFailed || errors.count != before) {
                    continue;
                }
                if (left.type() == Node.Type.ANY) {
                    e = Casts.castObject(e, target, errors, element.pos);
                }
                found |= v.equals(e);
            }
            return errors.count == mark && found != negate;
        }
    }
}
