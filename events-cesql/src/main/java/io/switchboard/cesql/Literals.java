package io.switchboard.cesql;

import io.cloudevents.CloudEvent;

/** Literal nodes: the leaves produced by the parser and by constant folding. */
final class Literals {

    private Literals() {
    }

    static boolean isLiteral(Node n) {
        return n instanceof BoolLit || n instanceof IntLit || n instanceof StrLit;
    }

    static Node of(Object value, int pos) {
        if (value instanceof Boolean b) {
            return new BoolLit(b, pos);
        }
        if (value instanceof Integer i) {
            return new IntLit(i, pos);
        }
        return new StrLit((String) value, pos);
    }

    static final class BoolLit extends Node.BoolNode {
        final boolean value;

        BoolLit(boolean value, int pos) {
            super(pos, 1, true);
            this.value = value;
        }

        @Override
        boolean evalBool(CloudEvent event, Errors errors) {
            return value;
        }
    }

    static final class IntLit extends Node.IntNode {
        final int value;

        IntLit(int value, int pos) {
            super(pos, 1, true);
            this.value = value;
        }

        @Override
        int evalInt(CloudEvent event, Errors errors) {
            return value;
        }
    }

    static final class StrLit extends Node.StrNode {
        final String value;

        StrLit(String value, int pos) {
            super(pos, 1, true);
            this.value = value;
        }

        @Override
        String evalString(CloudEvent event, Errors errors) {
            return value;
        }
    }
}
