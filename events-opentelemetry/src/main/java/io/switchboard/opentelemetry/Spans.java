package io.switchboard.opentelemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

final class Spans {

    private Spans() {
    }

    /** Marks {@code span} failed with {@code failure} (unwrapped from the stage's wrapper exceptions). */
    static void failed(Span span, Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        span.recordException(t);
        span.setStatus(StatusCode.ERROR, String.valueOf(t.getMessage()));
    }
}
