package io.switchboard.cesql;

/**
 * One function signature: a name, fixed parameter types, an optional variadic parameter type, a return type, and
 * how to build the node for a call. Parameter type ANY means "no implicit cast" (the casting functions).
 */
final class FunctionDef {

    /** Builds the node for a call whose arguments are already cast to the parameter types. */
    @FunctionalInterface
    interface Factory {
        Node create(Node[] args, int pos);
    }

    final String name;
    final Node.Type[] params;
    final Node.Type variadic;
    final Node.Type returnType;
    final Factory factory;

    FunctionDef(String name, Node.Type[] params, Node.Type variadic, Node.Type returnType, Factory factory) {
        this.name = name;
        this.params = params;
        this.variadic = variadic;
        this.returnType = returnType;
        this.factory = factory;
    }

    Node.Type paramType(int i) {
        return i < params.length ? params[i] : variadic;
    }

    boolean isVariadic() {
        return variadic != null;
    }

    String signature() {
        StringBuilder sb = new StringBuilder(name).append('(');
        for (int i = 0; i < params.length; i++) {
            sb.append(i > 0 ? ", " : "").append(typeName(params[i]));
        }
        if (variadic != null) {
            sb.append(params.length > 0 ? ", " : "").append(typeName(variadic)).append("...");
        }
        return sb.append("): ").append(typeName(returnType)).toString();
    }

    static String typeName(Node.Type t) {
        return switch (t) {
            case BOOL -> "Boolean";
            case INT -> "Integer";
            case STRING -> "String";
            case ANY -> "Any";
        };
    }

    @Override
    public String toString() {
        return signature();
    }
}
