package io.switchboard.core.internal.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The percent-encoding of {@code ce-*} header values that the CloudEvents HTTP binding (section 3.1.3.2) requires
 * and the SDK's HTTP binding does not do: a sender encodes space, {@code "}, {@code %} and every character outside
 * printable ASCII as {@code %XX} of its UTF-8 bytes; a receiver decodes. Without it, a subject such as
 * {@code héllo} would reach a consumer as {@code h%C3%A9llo}, or be mangled into a header the JDK cannot write.
 * Shared by the HTTP source (reading requests, writing replies) and the HTTP sinks (writing requests, reading replies).
 */
public final class HeaderValues {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private HeaderValues() {
    }

    /** Whether a header carries a CloudEvents attribute (and so is percent-encoded). */
    public static boolean isAttribute(String headerName) {
        return headerName.length() > 3 && headerName.regionMatches(true, 0, "ce-", 0, 3);
    }

    public static String encode(String value) {
        int i = 0;
        while (i < value.length() && !needsEncoding(value.charAt(i))) {
            i++;
        }
        if (i == value.length()) {
            return value; // the common case: nothing to encode, no copy
        }
        StringBuilder out = new StringBuilder(value.length() + 16).append(value, 0, i);
        for (byte b : value.substring(i).getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (needsEncoding(c)) {
                out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Decodes {@code %XX} sequences as UTF-8.
     *
     * @throws IllegalArgumentException naming what is wrong: a {@code %} not followed by two hex digits, or bytes
     *                                  that are not UTF-8
     */
    public static String decode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '%') {
                byte[] plain = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(plain, 0, plain.length);
                continue;
            }
            int hi = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(value.charAt(i + 2), 16) : -1;
            if (lo < 0) {
                throw new IllegalArgumentException("'%' at position " + i + " is not followed by two hex digits"
                        + " (write a literal % as %25)");
            }
            bytes.write(hi << 4 | lo);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the percent-encoded bytes are not UTF-8");
        }
    }

    private static boolean needsEncoding(char c) {
        return c <= ' ' || c >= 0x7f || c == '"' || c == '%';
    }
}
