package io.switchboard.core.source.http;

import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body without ever holding more than the limit: a declared {@code Content-Length} above it is
 * refused before reading, and a chunked body is read only until it passes the limit.
 */
final class BoundedBody {

    private BoundedBody() {
    }

    static byte[] read(HttpExchange exchange, long maxBytes) throws IOException, HttpProblem {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        long length = -1;
        if (declared != null) {
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw HttpProblem.of(400, "bad-content-length", "Bad request", "Content-Length '" + declared + "' is not a number");
            }
            if (length > maxBytes) {
                throw tooLarge(maxBytes);
            }
        }
        InputStream in = exchange.getRequestBody();
        ByteArrayOutputStream out = new ByteArrayOutputStream(length >= 0 ? (int) length : 1024);
        byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buffer, 0, (int) Math.min(buffer.length, maxBytes + 1 - total))) > 0) {
            total += n;
            if (total > maxBytes) {
                throw tooLarge(maxBytes);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static HttpProblem tooLarge(long maxBytes) {
        return HttpProblem.of(413, "payload-too-large", "Payload too large",
                "the request body exceeds the limit of " + maxBytes + " bytes; send smaller events or raise maxBodySize");
    }
}
