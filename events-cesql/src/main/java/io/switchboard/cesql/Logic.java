package io.switchboard.cesql;

import io.cloudevents.CloudEvent;
import io.switchboard.cesql.Node.BoolNode;

/**
 * NOT, AND, OR and XOR. AND, OR and XOR share one precedence level and fold left to right; the parser flattens a
 * run of them into one chain node evaluated by a loop, so a 75,000-term OR chain needs no deep recursion.
 *
 * <p>Errors: an errored operand counts as {@code false} for short-circuiting ({@code AND} stops, {@code OR}
 * goes on so that complete evaluation still collects the right operand's errors), and the step that received
 * it yields {@code false}, as does every later step.
 */
final class Logic {

    static final byte AND = 0;
    static final byte OR = 1;
    static final byte XOR = 2;

    private Logic() {
    }

    static String name(byte op) {
        return switch (op) {
            case AND -> "AND";
            case OR -> "OR";
            default -> "XOR";
        };
    }

    /** Builds the chain node for {@code terms[0] ops[1] terms[1] ops[2] terms[2] ...} ({@code ops[0]} unused). */
    static BoolNode chain(BoolNode[] terms, byte[] ops, int pos) {
        boolean allAnd = true;
        boolean allOr = true;
        for (int i = 1; i < ops.length; i++) {
            allAnd &= ops[i] == AND;
            allOr &= ops[i] == OR;
        }
        if (allAnd) {
            return terms.length == 2 ? new And2(terms, pos) : new AllAnd(terms, pos);
        }
        if (allOr) {
            return terms.length == 2 ? new Or2(terms, pos) : new AllOr(terms, pos);
        }
        return new Mixed(terms, ops, pos);
    }

    abstract static class Chain extends BoolNode {
        final BoolNode[] terms;

        Chain(BoolNode[] terms, int pos) {
            super(pos, Node.depthOf(terms), Node.allConstant(terms));
            this.terms = terms;
        }

        abstract byte op(int i);
    }

    /**
     * {@code a AND b}, the most common filter shape: two fields give two call sites that each see one node class,
     * which the JIT inlines, where the loop of {@link AllAnd} has one call site seeing every term's class.
     */
    static final class And2 extends AllAnd {
        private final BoolNode left;
        private final BoolNode right;

        And2(BoolNode[] terms, int pos) {
            super(terms, pos);
            this.left = terms[0];
            this.right = terms[1];
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            return left.evalBool(event, errors) && right.evalBool(event, errors);
        }
    }

    /** {@code a OR b}, see {@link And2}. */
    static final class Or2 extends AllOr {
        private final BoolNode left;
        private final BoolNode right;

        Or2(BoolNode[] terms, int pos) {
            super(terms, pos);
            this.left = terms[0];
            this.right = terms[1];
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            int mark = errors.count;
            boolean l = left.evalBool(event, errors);
            if (errors.count != mark) {
                right.evalBool(event, errors); // complete evaluation still collects the right operand's errors
                return false;
            }
            return l || right.evalBool(event, errors);
        }
    }

    static class AllAnd extends Chain {
        AllAnd(BoolNode[] terms, int pos) {
            super(terms, pos);
        }

        @Override
        byte op(int i) {
            return AND;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            for (BoolNode term : terms) {
                // an errored term returns false, which also ends the chain: no need to look at the error count
                if (!term.evalBool(event, errors)) {
                    return false;
                }
            }
            return true;
        }
    }

    static class AllOr extends Chain {
        AllOr(BoolNode[] terms, int pos) {
            super(terms, pos);
        }

        @Override
        byte op(int i) {
            return OR;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            BoolNode[] t = terms;
            for (int i = 0; i < t.length; i++) {
                int mark = errors.count;
                boolean v = t[i].evalBool(event, errors);
                if (errors.count != mark) {
                    // complete evaluation: the remaining operands are still evaluated for their errors
                    for (int j = i + 1; j < t.length; j++) {
                        t[j].evalBool(event, errors);
                    }
                    return false;
                }
                if (v) {
                    return true;
                }
            }
            return false;
        }
    }

    static final class Mixed extends Chain {
        final byte[] ops;

        Mixed(BoolNode[] terms, byte[] ops, int pos) {
            super(terms, pos);
            this.ops = ops;
        }

        @Override
        byte op(int i) {
            return ops[i];
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            int mark = errors.count;
            boolean acc = terms[0].evalBool(event, errors);
            boolean errored = errors.count != mark;
            for (int i = 1; i < terms.length; i++) {
                byte op = ops[i];
                if (op == AND && !acc || op == OR && acc) {
                    continue; // short circuit; an errored accumulator is false, so AND skips it too
                }
                mark = errors.count;
                boolean v = terms[i].evalBool(event, errors);
                if (errored || errors.count != mark) {
                    errored = true;
                    acc = false;
                } else {
                    acc = op == XOR ? acc ^ v : v; // AND with acc true, OR with acc false: the result is v
                }
            }
            return acc;
        }
    }

    static final class Not extends BoolNode {
        final BoolNode child;

        Not(BoolNode child, int pos) {
            super(pos, child.depth + 1, child.constant);
            this.child = child;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            int mark = errors.count;
            boolean v = child.evalBool(event, errors);
            return errors.count == mark && !v;
        }
    }
}
