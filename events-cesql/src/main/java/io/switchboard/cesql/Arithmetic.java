package io.switchboard.cesql;

import io.cloudevents.CloudEvent;
import io.switchboard.cesql.Node.IntNode;

/**
 * Integer arithmetic on 32 bits. Overflow of {@code + - *}, unary minus and {@code MIN / -1} is a MathError and
 * saturates to the nearest bound; division and modulo by zero are a MathError and 0. A run of operators of one
 * precedence level ({@code + -} or {@code * / %}) is one chain node evaluated by a loop.
 */
final class Arithmetic {

    static final byte ADD = 0;
    static final byte SUB = 1;
    static final byte MUL = 2;
    static final byte DIV = 3;
    static final byte MOD = 4;

    private Arithmetic() {
    }

    static String symbol(byte op) {
        return switch (op) {
            case ADD -> "+";
            case SUB -> "-";
            case MUL -> "*";
            case DIV -> "/";
            default -> "%";
        };
    }

    /** Applies one operator; reports a MathError and returns the spec-defined value on failure. */
    static int apply(byte op, int x, int y, Errors errors, int pos) {
        long r;
        switch (op) {
            case ADD:
                r = (long) x + y;
                break;
            case SUB:
                r = (long) x - y;
                break;
            case MUL:
                r = (long) x * y;
                break;
            case DIV:
                if (y == 0) {
                    errors.math("division by zero in " + x + " / 0", pos);
                    return 0;
                }
                r = (long) x / y;
                break;
            default:
                if (y == 0) {
                    errors.math("modulo by zero in " + x + " % 0", pos);
                    return 0;
                }
                return x % y; // same sign as x, as the spec requires; never overflows
        }
        if (r > Integer.MAX_VALUE) {
            errors.math("integer overflow in " + x + " " + symbol(op) + " " + y
                    + ", result saturated to " + Integer.MAX_VALUE, pos);
            return Integer.MAX_VALUE;
        }
        if (r < Integer.MIN_VALUE) {
            errors.math("integer overflow in " + x + " " + symbol(op) + " " + y
                    + ", result saturated to " + Integer.MIN_VALUE, pos);
            return Integer.MIN_VALUE;
        }
        return (int) r;
    }

    static final class Chain extends IntNode {
        final IntNode[] terms;
        final byte[] ops;
        final int[] positions;

        /** {@code terms[0] ops[1] terms[1] ...}; {@code positions[i]} is where operator i is, for messages. */
        Chain(IntNode[] terms, byte[] ops, int[] positions, int pos) {
            super(pos, Node.depthOf(terms), Node.allConstant(terms));
            this.terms = terms;
            this.ops = ops;
            this.positions = positions;
        }

        @Override
        int evalInt(CloudEvent event, Errors errors) {
            int mark = errors.count;
            int acc = terms[0].evalInt(event, errors);
            boolean errored = errors.count != mark;
            for (int i = 1; i < terms.length; i++) {
                mark = errors.count;
                int v = terms[i].evalInt(event, errors);
                if (errored || errors.count != mark) {
                    // an operator receiving an errored operand computes nothing and yields 0
                    errored = true;
                    acc = 0;
                    continue;
                }
                acc = apply(ops[i], acc, v, errors, positions[i]);
                errored = errors.count != mark;
            }
            return acc;
        }
    }

    static final class Negate extends IntNode {
        final IntNode child;

        Negate(IntNode child, int pos) {
            super(pos, child.depth + 1, child.constant);
            this.child = child;
        }

        @Override
        int evalInt(CloudEvent event, Errors errors) {
            int mark = errors.count;
            int v = child.evalInt(event, errors);
            if (errors.count != mark) {
                return 0;
            }
            if (v == Integer.MIN_VALUE) {
                errors.math("integer overflow in -(" + v + "), result saturated to " + Integer.MAX_VALUE, pos);
                return Integer.MAX_VALUE;
            }
            return -v;
        }
    }
}
