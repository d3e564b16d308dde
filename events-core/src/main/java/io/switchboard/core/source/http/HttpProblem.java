package io.switchboard.core.source.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.switchboard.api.InvalidDataException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HTTP answer other than success, carried as an exception from where it is found to where the response is
 * written, and rendered as an RFC 9457 {@code application/problem+json} body (type, title, status, detail, instance).
 * No stack trace: these are expected outcomes, not bugs.
 */
final class HttpProblem extends Exception {
    private static final long serialVersionUID = 1L;
    static final String CONTENT_TYPE = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    final int status;
    final String slug;
    final String title;
    final Map<String, String> headers = new LinkedHashMap<>();
    private List<InvalidDataException.Violation> violations = List.of();

    private HttpProblem(int status, String slug, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    static HttpProblem of(int status, String slug, String title, String detail) {
        return new HttpProblem(status, slug, title, detail);
    }

    static HttpProblem badRequest(String slug, String detail) {
        return of(400, slug, "Malformed event", detail);
    }

    HttpProblem header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Adds the {@code violations} member: where and why the data is invalid. */
    HttpProblem violations(List<InvalidDataException.Violation> list) {
        violations = List.copyOf(list);
        return this;
    }

    /** The problem type URI: {@code urn:switchboard:problem:<slug>}. */
    String type() {
        return "urn:switchboard:problem:" + slug;
    }

    byte[] toJson(String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type());
        body.put("title", title);
        body.put("status", status);
        body.put("detail", getMessage());
        body.put("instance", instance);
        if (!violations.isEmpty()) {
            List<Map<String, String>> list = new ArrayList<>();
            for (InvalidDataException.Violation v : violations) {
                list.add(Map.of("path", v.path(), "message", v.message()));
            }
            body.put("violations", list);
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
    }
}
