package io.switchboard.core.source.http;

import com.sun.net.httpserver.Headers;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Checks a request's credentials: a bearer token ({@code Authorization: Bearer <token>}) before the body is read,
 * and an HMAC-SHA256 signature of the body ({@code <header>: sha256=<hex>}) after. Either, both or neither may be
 * configured. Comparisons are constant-time ({@link MessageDigest#isEqual}). Immutable and thread-safe.
 */
final class Authenticator {

    private final byte[] bearerToken;   // null: not required
    private final byte[] hmacSecret;    // null: not required
    private final String signatureHeader;

    Authenticator(String bearerToken, byte[] hmacSecret, String signatureHeader) {
        this.bearerToken = bearerToken == null ? null : bearerToken.getBytes(StandardCharsets.UTF_8);
        this.hmacSecret = hmacSecret == null ? null : hmacSecret.clone();
        this.signatureHeader = signatureHeader;
    }

    void checkHeaders(Headers headers) throws HttpProblem {
        if (bearerToken == null) {
            return;
        }
        String authorization = headers.getFirst("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("send the token as 'Authorization: Bearer <token>'");
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(bearerToken, given)) {
            throw unauthorized("the bearer token is not valid");
        }
    }

    void checkBody(Headers headers, byte[] body) throws HttpProblem {
        if (hmacSecret == null) {
            return;
        }
        String value = headers.getFirst(signatureHeader);
        if (value == null) {
            throw unauthorized("sign the body with HMAC-SHA256 and send it as '" + signatureHeader + ": sha256=<hex>'");
        }
        String hex = value.trim();
        if (hex.regionMatches(true, 0, "sha256=", 0, 7)) {
            hex = hex.substring(7);
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw unauthorized("the " + signatureHeader + " header is not sha256=<hex>");
        }
        if (!MessageDigest.isEqual(sign(body), given)) {
            throw unauthorized("the " + signatureHeader + " signature does not match the body");
        }
    }

    private byte[] sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hmacSecret, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }

    private HttpProblem unauthorized(String detail) {
        HttpProblem p = HttpProblem.of(401, "unauthorized", "Unauthorized", detail);
        return bearerToken != null ? p.header("WWW-Authenticate", "Bearer") : p;
    }
}
