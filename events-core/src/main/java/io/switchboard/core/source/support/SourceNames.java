package io.switchboard.core.source.support;

import java.util.regex.Pattern;

/** The name rule of {@code io.switchboard.api} (sources name bus topics), checked by the built-in source builders. */
public final class SourceNames {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]{0,199}");

    private SourceNames() {
    }

    /** Returns {@code name} if valid; otherwise throws naming the rule. */
    public static String check(String name) {
        if (name == null) {
            throw new NullPointerException("source name must not be null");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("source name '" + name + "' is invalid: use a letter or '_' followed by"
                    + " up to 199 letters, digits, '_', '.' or '-'");
        }
        return name;
    }
}
