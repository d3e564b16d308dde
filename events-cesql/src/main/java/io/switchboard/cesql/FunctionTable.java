package io.switchboard.cesql;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Functions by upper-case name and arity, with the spec's overloading rules (3.5): one definition per name and
 * arity, at most one variadic definition per name, and its fixed arguments must outnumber the arity of every
 * other definition of that name, so a call always resolves to exactly one definition. Immutable once built.
 */
final class FunctionTable {

    private static final class Overloads {
        final Map<Integer, FunctionDef> fixed = new TreeMap<>();
        FunctionDef variadic;
    }

    private final Map<String, Overloads> byName;

    private FunctionTable(Map<String, Overloads> byName) {
        this.byName = byName;
    }

    static FunctionTable builtIns() {
        FunctionTable table = new FunctionTable(new LinkedHashMap<>());
        for (FunctionDef def : BuiltIns.all()) {
            table.addUnchecked(def);
        }
        return table;
    }

    boolean hasName(String upperName) {
        return byName.containsKey(upperName);
    }

    /** @return a copy with {@code def} added; IllegalArgumentException if it breaks the overloading rules */
    FunctionTable with(FunctionDef def) {
        Overloads existing = byName.get(def.name);
        if (existing != null) {
            if (!def.isVariadic() && existing.fixed.containsKey(def.params.length)) {
                throw new IllegalArgumentException("function " + def.name + " with " + def.params.length
                        + " argument(s) is already registered as " + existing.fixed.get(def.params.length).signature()
                        + "; CESQL allows one definition per name and arity");
            }
            if (def.isVariadic() && existing.variadic != null) {
                throw new IllegalArgumentException("function " + def.name + " already has a variadic definition, "
                        + existing.variadic.signature() + "; CESQL allows at most one per name");
            }
            FunctionDef variadic = def.isVariadic() ? def : existing.variadic;
            if (variadic != null) {
                int maxFixed = -1;
                for (int arity : existing.fixed.keySet()) {
                    maxFixed = Math.max(maxFixed, arity);
                }
                if (!def.isVariadic()) {
                    maxFixed = Math.max(maxFixed, def.params.length);
                }
                if (variadic.params.length <= maxFixed) {
                    throw new IllegalArgumentException("the variadic definition " + variadic.signature()
                            + " needs more fixed parameters (" + variadic.params.length
                            + ") than the largest arity of the other definitions of " + def.name + " (" + maxFixed
                            + "), otherwise a call could match two definitions");
                }
            }
        }
        Map<String, Overloads> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Overloads> e : byName.entrySet()) {
            Overloads o = new Overloads();
            o.fixed.putAll(e.getValue().fixed);
            o.variadic = e.getValue().variadic;
            copy.put(e.getKey(), o);
        }
        FunctionTable table = new FunctionTable(copy);
        table.addUnchecked(def);
        return table;
    }

    private void addUnchecked(FunctionDef def) {
        Overloads o = byName.computeIfAbsent(def.name, k -> new Overloads());
        if (def.isVariadic()) {
            o.variadic = def;
        } else {
            o.fixed.put(def.params.length, def);
        }
    }

    /** @return the definition for a call, or null if there is none for this name and arity */
    FunctionDef resolve(String upperName, int arity) {
        Overloads o = byName.get(upperName);
        if (o == null) {
            return null;
        }
        FunctionDef def = o.fixed.get(arity);
        if (def == null && o.variadic != null && arity >= o.variadic.params.length) {
            def = o.variadic;
        }
        return def;
    }

    /** @return the signatures registered under a name, for error messages; empty if unknown */
    List<String> signatures(String upperName) {
        Overloads o = byName.get(upperName);
        if (o == null) {
            return Collections.emptyList();
        }
        List<String> out = new ArrayList<>();
        for (FunctionDef def : o.fixed.values()) {
            out.add(def.signature());
        }
        if (o.variadic != null) {
            out.add(o.variadic.signature());
        }
        return out;
    }
}
