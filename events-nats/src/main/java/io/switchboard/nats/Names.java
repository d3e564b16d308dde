package io.switchboard.nats;

import java.nio.charset.StandardCharsets;

/** Names that end up in subjects, consumer names and KV keys, where only letters, digits, '_' and '-' are safe. */
final class Names {

    private Names() {
    }

    /** {@code name} itself if it is a safe token of at most 64 characters, else a readable safe form plus a hash. */
    static String token(String name) {
        if (name.length() <= 64 && NatsBusConfig.TOKEN.matcher(name).matches()) {
            return name;
        }
        String readable = name.replaceAll("[^A-Za-z0-9_-]", "_");
        if (readable.length() > 40) {
            readable = readable.substring(0, 40);
        }
        return readable + "-" + String.format("%08x", fnv1a(name));
    }

    /** FNV-1a, 32 bits, over the UTF-8 bytes: the partition hash, simple to reproduce in any language. */
    static int fnv1a(String s) {
        int hash = 0x811c9dc5;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return hash;
    }
}
