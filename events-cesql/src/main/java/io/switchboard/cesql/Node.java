package io.switchboard.cesql;

import io.cloudevents.CloudEvent;

/**
 * A compiled sub-expression. Each node has a static result type and is one of {@link BoolNode}, {@link IntNode},
 * {@link StrNode} or {@link AnyNode}; parents call the typed method of their children, so values flow as
 * primitives and shared strings without boxing.
 *
 * <p>Error contract of every eval method: on an error the node reports it to the {@link Errors} it was given and
 * returns the zero value of its type ({@code false}, {@code 0}, {@code ""}; {@code null} for {@link AnyNode}),
 * unless the spec defines another value for that error (e.g. {@code ABS(-2147483648)}). A node whose operand
 * reported an error returns its zero value without computing anything.
 */
abstract class Node {

    /** The static result type: ANY is an extension attribute whose type is known only per event. */
    enum Type { BOOL, INT, STRING, ANY }

    /** 0-based offset of this sub-expression in the source, for error messages. */
    final int pos;
    /** Height of the tree below and including this node; bounded by the parser's depth limit. */
    final int depth;
    /** True if the value depends on nothing but literals, so the parser may fold it. */
    final boolean constant;

    Node(int pos, int depth, boolean constant) {
        this.pos = pos;
        this.depth = depth;
        this.constant = constant;
    }

    abstract Type type();

    /** Slow, boxing evaluation for dynamic paths and results; returns the typed zero (null for ANY) on error. */
    abstract Object evalObject(CloudEvent event, Errors errors);

    static int depthOf(Node... children) {
        int max = 0;
        for (Node child : children) {
            max = Math.max(max, child.depth);
        }
        return max + 1;
    }

    static boolean allConstant(Node... children) {
        for (Node child : children) {
            if (!child.constant) {
                return false;
            }
        }
        return true;
    }

    abstract static class BoolNode extends Node {
        BoolNode(int pos, int depth, boolean constant) {
            super(pos, depth, constant);
        }

        abstract boolean evalBool(CloudEvent event, Errors errors);

        @Override
        final Type type() {
            return Type.BOOL;
        }

        @Override
        final Object evalObject(CloudEvent event, Errors errors) {
            return evalBool(event, errors) ? Boolean.TRUE : Boolean.FALSE;
        }
    }

    abstract static class IntNode extends Node {
        IntNode(int pos, int depth, boolean constant) {
            super(pos, depth, constant);
        }

        abstract int evalInt(CloudEvent event, Errors errors);

        @Override
        final Type type() {
            return Type.INT;
        }

        @Override
        final Object evalObject(CloudEvent event, Errors errors) {
            return evalInt(event, errors);
        }
    }

    abstract static class StrNode extends Node {
        StrNode(int pos, int depth, boolean constant) {
            super(pos, depth, constant);
        }

        /** @return the value, never null */
        abstract String evalString(CloudEvent event, Errors errors);

        @Override
        final Type type() {
            return Type.STRING;
        }

        @Override
        final Object evalObject(CloudEvent event, Errors errors) {
            return evalString(event, errors);
        }
    }

    /** An attribute whose CESQL type is only known per event (extensions): Boolean, Integer or String. */
    abstract static class AnyNode extends Node {
        AnyNode(int pos, int depth) {
            super(pos, depth, false);
        }

        /** @return a Boolean, Integer or String; null iff an error was reported */
        abstract Object evalAny(CloudEvent event, Errors errors);

        @Override
        final Type type() {
            return Type.ANY;
        }

        @Override
        final Object evalObject(CloudEvent event, Errors errors) {
            return evalAny(event, errors);
        }
    }
}
