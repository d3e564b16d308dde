package io.switchboard.cesql;

import io.cloudevents.CloudEvent;
import io.switchboard.cesql.Node.AnyNode;
import io.switchboard.cesql.Node.BoolNode;
import io.switchboard.cesql.Node.IntNode;
import io.switchboard.cesql.Node.StrNode;

/**
 * {@code = != <>} (ambiguous: the right operand's type picks the definition, the left operand is cast to it) and
 * {@code < <= > >=} (Integer only). An errored operand or a failed cast yields {@code false}, for {@code !=} too.
 */
final class Comparison {

    static final byte LT = 0;
    static final byte LE = 1;
    static final byte GT = 2;
    static final byte GE = 3;

    private Comparison() {
    }

    /** Compiles {@code left = right} (or {@code !=} when {@code negate}), choosing the definition statically. */
    static BoolNode equality(Node left, Node right, boolean negate, int pos) {
        switch (right.type()) {
            case BOOL:
                return new BoolEq(Casts.toBool(left), (BoolNode) right, negate, pos);
            case INT:
                return new IntEq(Casts.toInt(left), (IntNode) right, negate, pos);
            case STRING:
                StrNode l = Casts.toStr(left);
                if (right instanceof Literals.StrLit lit) {
                    return new StrEqLiteral(l, lit.value, negate, pos);
                }
                return new StrEq(l, (StrNode) right, negate, pos);
            default:
                return new DynamicEq(left, (AnyNode) right, negate, pos);
        }
    }

    static final class BoolEq extends BoolNode {
        final BoolNode left;
        final BoolNode right;
        final boolean negate;

        BoolEq(BoolNode left, BoolNode right, boolean negate, int pos) {
            super(pos, Node.depthOf(left, right), Node.allConstant(left, right));
            this.left = left;
            this.right = right;
            this.negate = negate;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            int mark = errors.count;
            boolean l = left.evalBool(event, errors);
            boolean r = right.evalBool(event, errors);
            return errors.count == mark && (l == r) != negate;
        }
    }

    static final class IntEq extends BoolNode {
        final IntNode left;
        final IntNode right;
        final boolean negate;

        IntEq(IntNode left, IntNode right, boolean negate, int pos) {
            super(pos, Node.depthOf(left, right), Node.allConstant(left, right));
            this.left = left;
            this.right = right;
            this.negate = negate;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            int mark = errors.count;
            int l = left.evalInt(event, errors);
            int r = right.evalInt(event, errors);
            return errors.count == mark && (l == r) != negate;
        }
    }

    static final class StrEq extends BoolNode {
        final StrNode left;
        final StrNode right;
        final boolean negate;

        StrEq(StrNode left, StrNode right, boolean negate, int pos) {
            super(pos, Node.depthOf(left, right), Node.allConstant(left, right));
            this.left = left;
            this.right = right;
            this.negate = negate;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            int mark = errors.count;
            String l = left.evalString(event, errors);
            String r = right.evalString(event, errors);
            return errors.count == mark && l.equals(r) != negate;
        }
    }

    /** The common filter shape {@code attribute = 'literal'}. */
    static final class StrEqLiteral extends BoolNode {
        final StrNode left;
        final String literal;
        final boolean negate;

        StrEqLiteral(StrNode left, String literal, boolean negate, int pos) {
            super(pos, left.depth + 1, left.constant);
            this.left = left;
            this.literal = literal;
            this.negate = negate;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            int mark = errors.count;
            String l = Attributes.readString(left, event, errors);
            return errors.count == mark && literal.equals(l) != negate;
        }
    }

    /** The right operand is an extension: its type, known only per event, picks the definition. */
    static final class DynamicEq extends BoolNode {
        final Node left;
        final AnyNode right;
        final boolean negate;

        DynamicEq(Node left, AnyNode right, boolean negate, int pos) {
            super(pos, Node.depthOf(left, right), false);
            this.left = left;
            this.right = right;
            this.negate = negate;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            int mark = errors.count;
            Object l = left.evalObject(event, errors);
            Object r = right.evalAny(event, errors);
            if (errors.count != mark) {
                return false;
            }
            Object cast = Casts.castObject(l, typeOf(r), errors, pos);
            return errors.count == mark && cast.equals(r) != negate;
        }
    }

    static Node.Type typeOf(Object value) {
        if (value instanceof Boolean) {
            return Node.Type.BOOL;
        }
        return value instanceof Integer ? Node.Type.INT : Node.Type.STRING;
    }

    static BoolNode ordering(IntNode left, IntNode right, byte op, int pos) {
        if (right instanceof Literals.IntLit lit && !left.constant) {
            return new IntCompareLiteral(left, lit.value, op, pos);
        }
        return new IntCompare(left, right, op, pos);
    }

    /** {@code int(datasize) > 100}: no call for the literal. */
    static final class IntCompareLiteral extends BoolNode {
        final IntNode left;
        final int right;
        final byte op;

        IntCompareLiteral(IntNode left, int right, byte op, int pos) {
            super(pos, left.depth + 1, false);
            this.left = left;
            this.right = right;
            this.op = op;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            int mark = errors.count;
            int l = left.evalInt(event, errors);
            if (errors.count != mark) {
                return false;
            }
            return switch (op) {
                case LT -> l < right;
                case LE -> l <= right;
                case GT -> l > right;
                default -> l >= right;
            };
        }
    }

    static final class IntCompare extends BoolNode {
        final IntNode left;
        final IntNode right;
        final byte op;

        IntCompare(IntNode left, IntNode right, byte op, int pos) {
            super(pos, Node.depthOf(left, right), Node.allConstant(left, right));
            this.left = left;
            this.right = right;
            this.op = op;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            int mark = errors.count;
            int l = left.evalInt(event, errors);
            int r = right.evalInt(event, errors);
            if (errors.count != mark) {
                return false;
            }
            return switch (op) {
                case LT -> l < r;
                case LE -> l <= r;
                case GT -> l > r;
                default -> l >= r;
            };
        }
    }
}
