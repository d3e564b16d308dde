package io.switchboard.core.internal.http;

import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads one response up to a limit: a successful response's body (a possible reply event) up to {@code replyLimit}
 * bytes, any other response's only up to {@code excerptLimit} bytes, since only an excerpt of it is reported. The rest
 * is read and dropped, so the connection stays reusable and a huge or endless error page cannot exhaust memory.
 * {@link Bytes#truncated()} says whether anything was dropped.
 *
 * <p>The whole response (status, headers, body) completes {@link #received()} on the client's own thread, the moment
 * the body ends. The stage {@code HttpClient.sendAsync} returns completes later, after a hop to the default executor
 * of {@link CompletableFuture} — the common fork-join pool, which an application may keep busy or blocked (it would
 * then stall every delivery); so the sink waits on {@link #received()}. One instance per request.
 */
final class ResponseBody implements HttpResponse.BodyHandler<ResponseBody.Bytes> {

    /** What was kept of a body. */
    record Bytes(byte[] bytes, boolean truncated) {
    }

    /** A complete response as the sink judges it. */
    record Received(int status, HttpHeaders headers, Bytes body) {
    }

    private final int replyLimit;
    private final int excerptLimit;
    private final CompletableFuture<Received> received = new CompletableFuture<>();

    ResponseBody(int replyLimit, int excerptLimit) {
        this.replyLimit = replyLimit;
        this.excerptLimit = excerptLimit;
    }

    /** Completes with the response once its body was read, or exceptionally if reading it failed. */
    CompletableFuture<Received> received() {
        return received;
    }

    @Override
    public HttpResponse.BodySubscriber<Bytes> apply(HttpResponse.ResponseInfo info) {
        int status = info.statusCode();
        Subscriber subscriber = new Subscriber(status >= 200 && status < 300 ? replyLimit : excerptLimit);
        subscriber.result.whenComplete((bytes, failure) -> {
            if (failure == null) {
                received.complete(new Received(status, info.headers(), bytes));
            } else {
                received.completeExceptionally(failure);
            }
        });
        return subscriber;
    }

    private static final class Subscriber implements HttpResponse.BodySubscriber<Bytes> {
        private final int limit;
        private final CompletableFuture<Bytes> result = new CompletableFuture<>();
        private byte[] kept = new byte[0];
        private int size;
        private boolean truncated;

        Subscriber(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<Bytes> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            // calls are serial (Flow contract), so the fields need no synchronisation
            for (ByteBuffer buffer : buffers) {
                int take = Math.min(buffer.remaining(), limit - size);
                if (take < buffer.remaining()) {
                    truncated = true;
                }
                if (take > 0) {
                    if (size + take > kept.length) {
                        kept = Arrays.copyOf(kept, Math.min(limit, Math.max(size + take, kept.length * 2)));
                    }
                    buffer.get(kept, size, take);
                    size += take;
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(new Bytes(size == kept.length ? kept : Arrays.copyOf(kept, size), truncated));
        }
    }
}
