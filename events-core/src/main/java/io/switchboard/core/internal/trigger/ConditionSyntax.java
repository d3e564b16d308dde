package io.switchboard.core.internal.trigger;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses a subscriber condition into an {@link Expr} tree.
 *
 * <p>Grammar (lowest precedence first; {@code AND}/{@code OR}/{@code NOT} are case-insensitive keywords):
 * <pre>
 *   or      := and  (('||' | OR)  and)*
 *   and     := unary (('&amp;&amp;' | AND) unary)*
 *   unary   := ('!' | NOT) unary | primary
 *   primary := NAME | '(' or ')'
 * </pre>
 * Names follow the input-name rule ({@code [A-Za-z_][A-Za-z0-9_.-]*}). Errors carry the 1-based column of the
 * offending token so the message can point at it.
 */
final class ConditionSyntax {

    /** A parsed condition. */
    sealed interface Expr permits Name, Not, And, Or {
    }

    /** An input name and the column it starts at. */
    record Name(String name, int column) implements Expr {
    }

    record Not(Expr operand) implements Expr {
    }

    record And(Expr left, Expr right) implements Expr {
    }

    record Or(Expr left, Expr right) implements Expr {
    }

    /** A syntax error at a 1-based column. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        final int column;

        SyntaxError(int column, String message) {
            super(message, null, false, false);
            this.column = column;
        }
    }

    private enum Kind { NAME, AND, OR, NOT, OPEN, CLOSE, END }

    private record Token(Kind kind, String text, int column) {
        String describe() {
            return kind == Kind.END ? "the end of the condition" : "'" + text + "'";
        }
    }

    private final List<Token> tokens;
    private int next;

    private ConditionSyntax(List<Token> tokens) {
        this.tokens = tokens;
    }

    static Expr parse(String text) throws SyntaxError {
        ConditionSyntax parser = new ConditionSyntax(tokenize(text));
        Expr expr = parser.or();
        Token trailing = parser.peek();
        if (trailing.kind != Kind.END) {
            String hint = trailing.kind == Kind.CLOSE ? "this ')' has no matching '('"
                    : "join it to what precedes with && or ||";
            throw new SyntaxError(trailing.column, "unexpected " + trailing.describe() + ": " + hint);
        }
        return expr;
    }

    private Expr or() throws SyntaxError {
        Expr left = and();
        while (peek().kind == Kind.OR) {
            next++;
            left = new Or(left, and());
        }
        return left;
    }

    private Expr and() throws SyntaxError {
        Expr left = unary();
        while (peek().kind == Kind.AND) {
            next++;
            left = new And(left, unary());
        }
        return left;
    }

    private Expr unary() throws SyntaxError {
        if (peek().kind == Kind.NOT) {
            next++;
            return new Not(unary());
        }
        return primary();
    }

    private Expr primary() throws SyntaxError {
        Token t = tokens.get(next++);
        switch (t.kind) {
            case NAME:
                return new Name(t.text, t.column);
            case OPEN: {
                Expr inner = or();
                Token close = tokens.get(next);
                if (close.kind != Kind.CLOSE) {
                    throw new SyntaxError(close.column, "expected ')' to close the '(' at column " + t.column
                            + " but found " + close.describe());
                }
                next++;
                return inner;
            }
            default:
                throw new SyntaxError(t.column, "expected an input name, '!' or '(' but found " + t.describe());
        }
    }

    private Token peek() {
        return tokens.get(next);
    }

    private static List<Token> tokenize(String text) throws SyntaxError {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            int column = i + 1;
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(') {
                out.add(new Token(Kind.OPEN, "(", column));
                i++;
            } else if (c == ')') {
                out.add(new Token(Kind.CLOSE, ")", column));
                i++;
            } else if (c == '!') {
                out.add(new Token(Kind.NOT, "!", column));
                i++;
            } else if (c == '&' || c == '|') {
                if (i + 1 < n && text.charAt(i + 1) == c) {
                    out.add(new Token(c == '&' ? Kind.AND : Kind.OR, text.substring(i, i + 2), column));
                    i += 2;
                } else {
                    throw new SyntaxError(column, "single '" + c + "': write '" + c + c + "' (or "
                            + (c == '&' ? "AND" : "OR") + ")");
                }
            } else if (isNameStart(c)) {
                int end = i + 1;
                while (end < n && isNamePart(text.charAt(end))) {
                    end++;
                }
                String word = text.substring(i, end);
                out.add(new Token(keyword(word), word, column));
                i = end;
            } else {
                throw new SyntaxError(column, "unexpected character '" + c + "': conditions use input names, "
                        + "&&, ||, !, parentheses, AND, OR and NOT");
            }
        }
        out.add(new Token(Kind.END, "", n + 1));
        return out;
    }

    private static Kind keyword(String word) {
        switch (word.toLowerCase(Locale.ROOT)) {
            case "and":
                return Kind.AND;
            case "or":
                return Kind.OR;
            case "not":
                return Kind.NOT;
            default:
                return Kind.NAME;
        }
    }

    private static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
    }
}
