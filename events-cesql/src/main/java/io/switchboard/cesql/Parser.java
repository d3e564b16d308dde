package io.switchboard.cesql;

import io.switchboard.cesql.Node.BoolNode;
import io.switchboard.cesql.Node.IntNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Hand-written lexer and Pratt parser for CESQL v1 that compiles straight into typed nodes, folding constants as
 * it goes. Not thread-safe: one instance per {@link #parse} call.
 *
 * <p>Binding powers follow spec 3.6 and the reference grammar: prefix {@code NOT} and {@code -} bind tightest,
 * then {@code LIKE}, {@code IN}, {@code * / %}, {@code + -}, comparisons, and {@code AND OR XOR} last, all left
 * to right. Runs of one logical or arithmetic level become one chain node, built iteratively. Recursion happens
 * only for syntactic nesting (parentheses, prefix operators, call arguments, IN sets), which is counted against
 * the depth limit before it can exhaust the stack; the height of the built tree is checked against the same limit,
 * so evaluation recursion is bounded too.
 */
final class Parser {

    // token kinds
    private static final int EOF = 0;
    private static final int LPAREN = 1;
    private static final int RPAREN = 2;
    private static final int COMMA = 3;
    private static final int PLUS = 4;
    private static final int MINUS = 5;
    private static final int STAR = 6;
    private static final int SLASH = 7;
    private static final int PERCENT = 8;
    private static final int EQ = 9;
    private static final int NE = 10;
    private static final int LT = 11;
    private static final int LE = 12;
    private static final int GT = 13;
    private static final int GE = 14;
    private static final int STRING = 15;
    private static final int INTEGER = 16;
    private static final int WORD = 17;

    // binding powers
    private static final int BP_LOGIC = 1;
    private static final int BP_COMPARE = 2;
    private static final int BP_ADD = 3;
    private static final int BP_MUL = 4;
    private static final int BP_IN = 5;
    private static final int BP_LIKE = 6;
    private static final int BP_PREFIX = 7;

    /** Integer literal magnitudes above this are out of range even with a minus sign. */
    private static final long INT_MAGNITUDE_LIMIT = 2147483648L;

    private final String src;
    private final FunctionTable functions;
    private final int maxDepth;
    /** Non-null when the data extension is enabled: {@code data.a.b[0]} then reads the event's data through it. */
    private final CesqlDataAccessor dataAccessor;

    private int cursor;
    private int kind;
    private int start;
    private int end;
    private String text;
    private long integer;
    private int nesting;

    private Parser(String src, FunctionTable functions, int maxDepth, CesqlDataAccessor dataAccessor) {
        this.src = src;
        this.functions = functions;
        this.maxDepth = maxDepth;
        this.dataAccessor = dataAccessor;
    }

    static Node parse(String src, FunctionTable functions, int maxLength, int maxDepth) {
        return parse(src, functions, maxLength, maxDepth, null);
    }

    static Node parse(String src, FunctionTable functions, int maxLength, int maxDepth,
                      CesqlDataAccessor dataAccessor) {
        if (src.length() > maxLength) {
            throw new CesqlException(CesqlErrorKind.PARSE, maxLength, "the expression is " + src.length()
                    + " characters long, more than the limit of " + maxLength
                    + "; shorten it or raise Cesql.builder().maxExpressionLength(...)");
        }
        try {
            return new Parser(src, functions, maxDepth, dataAccessor).parseAll();
        } catch (StackOverflowError tooDeepForThisThread) {
            // only reachable with a raised maxDepth on a thread with a small stack; the parser holds no locks or
            // shared state, so recovering is safe
            throw new CesqlException(CesqlErrorKind.PARSE, -1, "the expression nests too deeply for this thread's "
                    + "stack; lower Cesql.builder().maxDepth(...) or parse on a thread with a larger stack");
        }
    }

    private Node parseAll() {
        advance();
        if (kind == EOF) {
            throw error(0, "the expression is empty; expected a value such as type = 'com.example.created'");
        }
        Node root = expression(0);
        if (kind != EOF) {
            throw error(start, "unexpected " + describeToken() + " at position " + start
                    + " after a complete expression; expected an operator or the end of the expression"
                    + (kind == STRING ? " (to put a quote inside a string literal, escape it with a backslash)" : ""));
        }
        return root;
    }

    // ---------------------------------------------------------------- expressions

    private Node expression(int minBp) {
        Node left = prefix();
        ChainBuilder chain = null;
        while (true) {
            int opStart = start;
            int bp;
            int op = kind;
            boolean negated = false;
            if (kind == WORD) {
                String word = text;
                if (isKeyword(word, "and") || isKeyword(word, "or") || isKeyword(word, "xor")) {
                    bp = BP_LOGIC;
                } else if (isKeyword(word, "like")) {
                    bp = BP_LIKE;
                } else if (isKeyword(word, "in")) {
                    bp = BP_IN;
                } else if (isKeyword(word, "not")) {
                    String next = peekWord();
                    if (next != null && isKeyword(next, "like")) {
                        bp = BP_LIKE;
                    } else if (next != null && isKeyword(next, "in")) {
                        bp = BP_IN;
                    } else {
                        break; // NOT is a prefix operator: after a complete operand it cannot continue the expression
                    }
                    negated = true;
                } else {
                    break;
                }
            } else if (kind >= EQ && kind <= GE) {
                bp = BP_COMPARE;
            } else if (kind == PLUS || kind == MINUS) {
                bp = BP_ADD;
            } else if (kind == STAR || kind == SLASH || kind == PERCENT) {
                bp = BP_MUL;
            } else {
                break;
            }
            if (bp < minBp) {
                break;
            }
            if (chain != null && chain.bp != bp) {
                left = checked(chain.build());
                chain = null;
            }
            if (bp == BP_LIKE || bp == BP_IN) {
                String word = text;
                advance();
                if (negated) {
                    word = text;
                    advance();
                }
                left = isKeyword(word, "like") ? like(left, negated, opStart) : in(left, negated, opStart);
                continue;
            }
            String opWord = text;
            advance();
            Node right = expression(bp + 1);
            if (bp == BP_COMPARE) {
                left = checked(compare(op, left, right, opStart));
                continue;
            }
            if (chain == null) {
                chain = new ChainBuilder(bp, left);
            }
            if (bp == BP_LOGIC) {
                byte logicOp = isKeyword(opWord, "and") ? Logic.AND : isKeyword(opWord, "or") ? Logic.OR : Logic.XOR;
                chain.add(logicOp, right, opStart);
            } else {
                chain.add(arithmeticOp(op), right, opStart);
            }
        }
        if (chain != null) {
            left = checked(chain.build());
        }
        return left;
    }

    private static byte arithmeticOp(int token) {
        return switch (token) {
            case PLUS -> Arithmetic.ADD;
            case MINUS -> Arithmetic.SUB;
            case STAR -> Arithmetic.MUL;
            case SLASH -> Arithmetic.DIV;
            default -> Arithmetic.MOD;
        };
    }

    private Node compare(int op, Node left, Node right, int pos) {
        return switch (op) {
            case EQ -> Comparison.equality(left, right, false, pos);
            case NE -> Comparison.equality(left, right, true, pos);
            case LT -> Comparison.ordering(Casts.toInt(left), Casts.toInt(right), Comparison.LT, pos);
            case LE -> Comparison.ordering(Casts.toInt(left), Casts.toInt(right), Comparison.LE, pos);
            case GT -> Comparison.ordering(Casts.toInt(left), Casts.toInt(right), Comparison.GT, pos);
            default -> Comparison.ordering(Casts.toInt(left), Casts.toInt(right), Comparison.GE, pos);
        };
    }

    private Node like(Node left, boolean negated, int pos) {
        if (kind != STRING) {
            throw error(start, "LIKE needs a string literal pattern such as 'com.example.%', found "
                    + describeToken() + " at position " + start + "; the pattern cannot be computed");
        }
        Like.Pattern pattern = Like.Pattern.compile(text);
        advance();
        return checked(new Like(Casts.toStr(left), pattern, negated, pos));
    }

    private Node in(Node left, boolean negated, int pos) {
        if (kind != LPAREN) {
            throw error(start, "IN needs a parenthesized set such as ('a', 'b'), found " + describeToken()
                    + " at position " + start);
        }
        int open = start;
        enter(open);
        advance();
        if (kind == RPAREN) {
            throw error(start, "the IN set at position " + open + " is empty; CESQL sets need at least one element");
        }
        List<Node> elements = new ArrayList<>();
        elements.add(expression(0));
        while (kind == COMMA) {
            advance();
            elements.add(expression(0));
        }
        expect(RPAREN, "')' to close the IN set opened at position " + open);
        nesting--;
        return checked(In.of(left, elements.toArray(new Node[0]), negated, pos, this::fold));
    }

    private Node prefix() {
        int at = start;
        switch (kind) {
            case LPAREN: {
                enter(at);
                advance();
                if (kind == RPAREN) {
                    throw error(start, "empty parentheses at position " + at + "; expected an expression inside");
                }
                Node inner = expression(0);
                expect(RPAREN, "')' to close the '(' at position " + at);
                nesting--;
                return inner;
            }
            case MINUS: {
                advance();
                if (kind == INTEGER) {
                    // the sign belongs to the literal, so -2147483648 is valid although 2147483648 is not
                    long value = -integer;
                    if (value < Integer.MIN_VALUE) {
                        throw error(at, "integer literal -" + text + " at position " + at
                                + " is outside the 32-bit range -2147483648..2147483647");
                    }
                    advance();
                    return new Literals.IntLit((int) value, at);
                }
                enter(at);
                Node operand = expression(BP_PREFIX);
                nesting--;
                return checked(new Arithmetic.Negate(Casts.toInt(operand), at));
            }
            case PLUS: {
                advance();
                if (kind != INTEGER) {
                    throw error(at, "'+' at position " + at + " is only allowed as the sign of an integer literal "
                            + "such as +5; found " + describeToken() + " after it");
                }
                return integerLiteral(at);
            }
            case INTEGER:
                return integerLiteral(at);
            case STRING: {
                String value = text;
                advance();
                return new Literals.StrLit(value, at);
            }
            case WORD:
                return word(at);
            default:
                throw error(at, "expected a value (a literal, an attribute, a function call, '(', NOT, '-' or "
                        + "EXISTS) at position " + at + ", found " + describeToken());
        }
    }

    private Node integerLiteral(int at) {
        if (integer > Integer.MAX_VALUE) {
            throw error(at, "integer literal " + text + " at position " + at
                    + " is outside the 32-bit range -2147483648..2147483647");
        }
        int value = (int) integer;
        advance();
        return new Literals.IntLit(value, at);
    }

    private Node word(int at) {
        String word = text;
        if (isKeyword(word, "true") || isKeyword(word, "false")) {
            advance();
            return new Literals.BoolLit(isKeyword(word, "true"), at);
        }
        if (isKeyword(word, "not")) {
            advance();
            enter(at);
            Node operand = expression(BP_PREFIX);
            nesting--;
            return checked(new Logic.Not(Casts.toBool(operand), at));
        }
        if (isKeyword(word, "exists")) {
            advance();
            if (kind != WORD || isReserved(text)) {
                throw error(start, "EXISTS needs an attribute name, found " + describeToken() + " at position "
                        + start);
            }
            String name = identifier(text, start);
            advance();
            return checked(Attributes.exists(name, at));
        }
        if (isReserved(word)) {
            throw error(at, "unexpected keyword " + word.toUpperCase(Locale.ROOT) + " at position " + at
                    + "; expected a value (a literal, an attribute, a function call, '(', NOT, '-' or EXISTS)");
        }
        if (isKeyword(word, "data") && end < src.length() && (src.charAt(end) == '.' || src.charAt(end) == '[')) {
            if (dataAccessor == null) {
                throw error(end, "'" + src.charAt(end) + "' after data at position " + end + ": reading fields of the"
                        + " event's data is an extension of CESQL v1 that is off; enable it with"
                        + " Cesql.builder().dataFields(accessor) (see docs/data.md)");
            }
            return checked(dataField(at, end));
        }
        advance();
        if (kind == LPAREN) {
            return call(word, at);
        }
        if (dataAccessor != null && isKeyword(word, "data")) {
            throw error(at, "data at position " + at + " needs a path to a value, such as data.total or"
                    + " data.lines[0].sku: the data as a whole is not a CESQL value");
        }
        return checked(Attributes.read(identifier(word, at), at));
    }

    /**
     * The data extension's path, right after the word {@code data} (no spaces inside): {@code .name} (ASCII letters,
     * digits, underscores), {@code [index]} (decimal, 0 or more) and {@code ['any name']} / {@code ["any name"]}
     * (escaping the quote with a backslash), repeated.
     */
    private Node dataField(int at, int from) {
        String s = src;
        int n = s.length();
        int i = from;
        List<Object> segments = new ArrayList<>();
        StringBuilder canonical = new StringBuilder("data");
        while (i < n && (s.charAt(i) == '.' || s.charAt(i) == '[')) {
            if (segments.size() == DataFields.MAX_SEGMENTS) {
                throw error(i, "the data path at position " + at + " has more than " + DataFields.MAX_SEGMENTS
                        + " segments");
            }
            if (s.charAt(i) == '.') {
                int j = i + 1;
                while (j < n && isWordChar(s.charAt(j))) {
                    j++;
                }
                if (j == i + 1) {
                    throw error(i + 1, "expected a member name after '.' at position " + i + " in a data path;"
                            + " write data['...'] for names with other characters");
                }
                String name = s.substring(i + 1, j);
                segments.add(name);
                canonical.append('.').append(name);
                i = j;
                continue;
            }
            int j = i + 1;
            if (j < n && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
                long index = 0;
                while (j < n && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
                    index = Math.min(index * 10 + (s.charAt(j) - '0'), INT_MAGNITUDE_LIMIT);
                    j++;
                }
                if (index > Integer.MAX_VALUE) {
                    throw error(i + 1, "array index at position " + (i + 1) + " is beyond 2147483647");
                }
                segments.add((int) index);
                canonical.append('[').append(index).append(']');
            } else if (j < n && (s.charAt(j) == '\'' || s.charAt(j) == '"')) {
                lexString(s.charAt(j), j);
                String name = text;
                segments.add(name);
                canonical.append("['").append(name.replace("'", "\\'")).append("']");
                j = end;
            } else {
                throw error(j, "expected an array index or a quoted member name after '[' at position " + i
                        + " in a data path");
            }
            if (j >= n || s.charAt(j) != ']') {
                throw error(j, "expected ']' at position " + j + " to close the '[' at position " + i
                        + " in a data path");
            }
            i = j + 1;
        }
        cursor = i;
        advance();
        return new DataFields.Field(new CesqlDataPath(segments.toArray(), canonical.toString()), dataAccessor, at);
    }

    private Node call(String word, int at) {
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' && i > 0)) {
                throw error(at, "'" + word + "' at position " + at + " is not a valid function name: "
                        + "function names are letters and underscores, starting with a letter");
            }
        }
        String name = asciiUpper(word);
        int open = start;
        enter(open);
        advance();
        List<Node> args = new ArrayList<>();
        if (kind != RPAREN) {
            args.add(expression(0));
            while (kind == COMMA) {
                advance();
                args.add(expression(0));
            }
        }
        expect(RPAREN, "')' or ',' in the argument list of " + name + " opened at position " + open);
        nesting--;
        FunctionDef def = functions.resolve(name, args.size());
        if (def == null) {
            List<String> known = functions.signatures(name);
            String message = known.isEmpty()
                    ? "unknown function " + name + " at position " + at
                            + "; register it with Cesql.builder().function(...) or use a built-in function"
                    : "function " + name + " at position " + at + " is called with " + args.size()
                            + " argument(s), but is only defined as " + String.join(" and ", known);
            throw new CesqlException(CesqlErrorKind.MISSING_FUNCTION, at, message);
        }
        Node[] cast = new Node[args.size()];
        for (int i = 0; i < cast.length; i++) {
            cast[i] = fold(Casts.to(args.get(i), def.paramType(i)));
        }
        return checked(def.factory.create(cast, at));
    }

    private String identifier(String word, int at) {
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
                throw error(at, "'" + word + "' at position " + at + " is not a valid attribute name: CloudEvents "
                        + "attribute names are letters and digits only (a function call needs parentheses)");
            }
        }
        return asciiLower(word);
    }

    private void enter(int at) {
        if (++nesting > maxDepth) {
            throw error(at, "the expression nests deeper than " + maxDepth + " levels at position " + at
                    + "; simplify it or raise Cesql.builder().maxDepth(...)");
        }
    }

    /** Rejects trees taller than the depth limit (so evaluation cannot overflow the stack), then folds. */
    private Node checked(Node node) {
        if (node.depth > 2 * maxDepth + 8) {
            // casts and comparison chains add levels that the nesting count does not see: allow for them, while
            // still bounding the recursion depth of evaluation
            throw error(node.pos, "the expression nests deeper than " + maxDepth + " levels at position "
                    + node.pos + "; simplify it or raise Cesql.builder().maxDepth(...)");
        }
        return fold(node);
    }

    /** Replaces an error-free constant sub-expression by its value; one that raises errors is kept to raise them. */
    private Node fold(Node node) {
        if (!node.constant || Literals.isLiteral(node)) {
            return node;
        }
        Errors errors = Errors.collecting();
        Object value = node.evalObject(null, errors);
        if (errors.count != 0) {
            return node;
        }
        return Literals.of(value, node.pos);
    }

    private void expect(int tokenKind, String what) {
        if (kind != tokenKind) {
            throw error(start, "expected " + what + ", found " + describeToken() + " at position " + start);
        }
        advance();
    }

    private CesqlException error(int position, String message) {
        return new CesqlException(CesqlErrorKind.PARSE, position, message);
    }

    /** Accumulates a left-to-right run of one chainable level (logic, additive or multiplicative). */
    private final class ChainBuilder {
        final int bp;
        final List<Node> terms = new ArrayList<>();
        final List<Byte> ops = new ArrayList<>();
        final List<Integer> positions = new ArrayList<>();
        final int pos;

        ChainBuilder(int bp, Node first) {
            this.bp = bp;
            this.pos = first.pos;
            // (a OR b) OR c is the same left fold as a OR b OR c: reuse the chain that the parentheses produced
            if (bp == BP_LOGIC && first instanceof Logic.Chain c) {
                for (int i = 0; i < c.terms.length; i++) {
                    terms.add(c.terms[i]);
                    ops.add(c.op(i));
                    positions.add(c.pos);
                }
            } else if (bp != BP_LOGIC && first instanceof Arithmetic.Chain c && isLevel(c.ops[1], bp)) {
                for (int i = 0; i < c.terms.length; i++) {
                    terms.add(c.terms[i]);
                    ops.add(c.ops[i]);
                    positions.add(c.positions[i]);
                }
            } else {
                terms.add(first);
                ops.add((byte) 0);
                positions.add(first.pos);
            }
        }

        private boolean isLevel(byte arithmeticOp, int level) {
            boolean additive = arithmeticOp == Arithmetic.ADD || arithmeticOp == Arithmetic.SUB;
            return additive == (level == BP_ADD);
        }

        void add(byte op, Node term, int at) {
            // AND is associative even with errors and short-circuiting: a AND (b AND c) == a AND b AND c
            if (op == Logic.AND && bp == BP_LOGIC && term instanceof Logic.AllAnd c) {
                for (BoolNode t : c.terms) {
                    terms.add(t);
                    ops.add(Logic.AND);
                    positions.add(at);
                }
                return;
            }
            terms.add(term);
            ops.add(op);
            positions.add(at);
        }

        Node build() {
            int n = terms.size();
            byte[] opArray = new byte[n];
            int[] posArray = new int[n];
            for (int i = 0; i < n; i++) {
                opArray[i] = ops.get(i);
                posArray[i] = positions.get(i);
            }
            if (bp == BP_LOGIC) {
                BoolNode[] bools = new BoolNode[n];
                for (int i = 0; i < n; i++) {
                    bools[i] = (BoolNode) fold(Casts.toBool(terms.get(i)));
                }
                return Logic.chain(bools, opArray, pos);
            }
            IntNode[] ints = new IntNode[n];
            for (int i = 0; i < n; i++) {
                ints[i] = (IntNode) fold(Casts.toInt(terms.get(i)));
            }
            return new Arithmetic.Chain(ints, opArray, posArray, pos);
        }
    }

    // ---------------------------------------------------------------- lexer

    private static boolean isKeyword(String word, String lowerKeyword) {
        return Casts.asciiEqualsIgnoreCase(word, lowerKeyword);
    }

    private static boolean isReserved(String word) {
        switch (word.length()) {
            case 2:
                return isKeyword(word, "or") || isKeyword(word, "in");
            case 3:
                return isKeyword(word, "and") || isKeyword(word, "xor") || isKeyword(word, "not");
            case 4:
                return isKeyword(word, "like") || isKeyword(word, "true");
            case 5:
                return isKeyword(word, "false");
            case 6:
                return isKeyword(word, "exists");
            default:
                return false;
        }
    }

    /** ASCII-only case mapping: identifiers and names are ASCII, and the default locale must not matter. */
    static String asciiLower(String s) {
        char[] out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (out == null) {
                    out = s.toCharArray();
                }
                out[i] = (char) (c + ('a' - 'A'));
            }
        }
        return out == null ? s : new String(out);
    }

    static String asciiUpper(String s) {
        char[] out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                if (out == null) {
                    out = s.toCharArray();
                }
                out[i] = (char) (c - ('a' - 'A'));
            }
        }
        return out == null ? s : new String(out);
    }

    /** @return the next token's text if it is a word, without consuming anything */
    private String peekWord() {
        int savedCursor = cursor;
        int savedKind = kind;
        int savedStart = start;
        int savedEnd = end;
        String savedText = text;
        long savedInteger = integer;
        advance();
        String result = kind == WORD ? text : null;
        cursor = savedCursor;
        kind = savedKind;
        start = savedStart;
        end = savedEnd;
        text = savedText;
        integer = savedInteger;
        return result;
    }

    private String describeToken() {
        if (kind == EOF) {
            return "the end of the expression";
        }
        String t = src.substring(start, Math.min(end, start + 40));
        return switch (kind) {
            case STRING -> "string literal " + t + (end - start > 40 ? "..." : "");
            case INTEGER -> "integer " + t;
            case WORD -> "'" + t + "'";
            default -> "'" + t + "'";
        };
    }

    private void advance() {
        String s = src;
        int n = s.length();
        int i = cursor;
        while (i < n) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else {
                break;
            }
        }
        start = i;
        if (i >= n) {
            kind = EOF;
            end = cursor = n;
            return;
        }
        char c = s.charAt(i);
        int k;
        int len = 1;
        switch (c) {
            case '(':
                k = LPAREN;
                break;
            case ')':
                k = RPAREN;
                break;
            case ',':
                k = COMMA;
                break;
            case '+':
                k = PLUS;
                break;
            case '-':
                k = MINUS;
                break;
            case '*':
                k = STAR;
                break;
            case '/':
                k = SLASH;
                break;
            case '%':
                k = PERCENT;
                break;
            case '=':
                k = EQ;
                break;
            case '!':
                if (i + 1 < n && s.charAt(i + 1) == '=') {
                    k = NE;
                    len = 2;
                    break;
                }
                throw error(i, "unexpected '!' at position " + i + "; the not-equal operator is != (or <>), "
                        + "negation is NOT");
            case '<':
                if (i + 1 < n && s.charAt(i + 1) == '=') {
                    k = LE;
                    len = 2;
                } else if (i + 1 < n && s.charAt(i + 1) == '>') {
                    k = NE;
                    len = 2;
                } else {
                    k = LT;
                }
                break;
            case '>':
                if (i + 1 < n && s.charAt(i + 1) == '=') {
                    k = GE;
                    len = 2;
                } else {
                    k = GT;
                }
                break;
            case '\'':
            case '"':
                lexString(c, i);
                return;
            default:
                if (isWordChar(c)) {
                    lexWord(i);
                    return;
                }
                int cp = s.codePointAt(i);
                throw error(i, "invalid character '" + new String(Character.toChars(cp)) + "' (U+"
                        + String.format(Locale.ROOT, "%04X", cp) + ") at position " + i
                        + "; CESQL uses ASCII letters, digits, quotes, parentheses, commas and operators");
        }
        kind = k;
        end = cursor = i + len;
    }

    private static boolean isWordChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    private void lexWord(int i) {
        String s = src;
        int n = s.length();
        int j = i;
        boolean digitsOnly = true;
        while (j < n && isWordChar(s.charAt(j))) {
            char c = s.charAt(j);
            digitsOnly &= c >= '0' && c <= '9';
            j++;
        }
        text = s.substring(i, j);
        start = i;
        end = cursor = j;
        if (digitsOnly) {
            kind = INTEGER;
            long v = 0;
            for (int k = i; k < j; k++) {
                v = Math.min(v * 10 + (s.charAt(k) - '0'), INT_MAGNITUDE_LIMIT + 1); // saturate: only range matters
            }
            integer = v;
        } else {
            kind = WORD;
        }
    }

    /**
     * A string literal: {@code \'} inside '...' and {@code \"} inside "..." stand for the quote; any other
     * backslash is kept as it is (so LIKE patterns can carry {@code \%} and {@code \_}). A doubled quote is not
     * an escape: {@code 'a''b'} is two literals in a row, which is a parse error.
     */
    private void lexString(char quote, int i) {
        String s = src;
        int n = s.length();
        StringBuilder sb = null;
        int runStart = i + 1;
        int j = i + 1;
        while (true) {
            if (j >= n) {
                throw error(i, "unterminated string literal starting at position " + i + "; close it with " + quote);
            }
            char c = s.charAt(j);
            if (c == quote) {
                break;
            }
            if (c == '\\' && j + 1 < n) {
                if (s.charAt(j + 1) == quote) {
                    if (sb == null) {
                        sb = new StringBuilder();
                    }
                    sb.append(s, runStart, j).append(quote);
                    j += 2;
                    runStart = j;
                } else {
                    j += 2; // keep the pair: a backslash escapes only the enclosing quote
                }
                continue;
            }
            j++;
        }
        text = sb == null ? s.substring(runStart, j) : sb.append(s, runStart, j).toString();
        kind = STRING;
        start = i;
        end = cursor = j + 1;
    }
}
