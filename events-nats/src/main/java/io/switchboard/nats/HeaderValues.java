package io.switchboard.nats;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Header values as the CloudEvents NATS protocol binding (§ 3.1.3.2) writes and reads them: on the way out, space,
 * double quote, percent and everything outside printable ASCII (U+0021–U+007E) percent-encoded from UTF-8 with
 * upper-case hex; on the way in, a double-quoted value unquoted first (RFC 7230 § 3.2.6, for older writers), then one
 * round of percent-decoding that accepts lower-case hex and unnecessary escapes but rejects bytes that are not UTF-8.
 */
final class HeaderValues {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private HeaderValues() {
    }

    static String encode(String value) {
        int i = 0;
        while (i < value.length() && !needsEncoding(value.charAt(i))) {
            i++;
        }
        if (i == value.length()) {
            return value; // the common case: nothing to escape, no copy
        }
        StringBuilder out = new StringBuilder(value.length() + 16).append(value, 0, i);
        byte[] rest = value.substring(i).getBytes(StandardCharsets.UTF_8); // surrogate pairs become one 4-byte sequence
        for (byte b : rest) {
            int c = b & 0xff;
            if (c < 0x80 && !needsEncoding((char) c)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    private static boolean needsEncoding(char c) {
        return c <= 0x20 || c >= 0x7f || c == '"' || c == '%';
    }

    /** @throws IllegalArgumentException if the value is not validly encoded */
    static String decode(String raw) {
        String value = raw.strip();
        if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
            value = unquote(value);
        }
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length()) {
                    throw new IllegalArgumentException("truncated percent-escape at position " + i + " in '" + raw + "'");
                }
                int hi = Character.digit(value.charAt(i + 1), 16);
                int lo = Character.digit(value.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("invalid percent-escape '" + value.substring(i, i + 3)
                            + "' in '" + raw + "'");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("percent-encoded bytes are not valid UTF-8 in '" + raw + "'");
        }
    }

    private static String unquote(String quoted) {
        StringBuilder out = new StringBuilder(quoted.length());
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c == '\\' && i + 1 < quoted.length() - 1) {
                c = quoted.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }
}
