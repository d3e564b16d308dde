package io.switchboard.api;

import java.util.regex.Pattern;

/** The one rule for names of triggers, inputs, subscribers, sources, buses and topics. */
final class Names {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]{0,199}");

    private Names() {
    }

    static String check(String what, String name) {
        if (name == null) {
            throw new NullPointerException(what + " name must not be null");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name '" + name + "' is invalid: use a letter or '_' followed by"
                    + " up to 199 letters, digits, '_', '.' or '-'");
        }
        return name;
    }
}
